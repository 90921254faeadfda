/**
 * Aborts the extension host it runs in, as a native fault would. Never part of the integration
 * suite (it lives outside test/integration): test/vscode/harness-selftest.test.mjs bundles it in
 * to prove that the harness fails when the extension host dies.
 */
suite('harness self-test', () => {
  test('the extension host aborts', async () => {
    console.log('[masklens-integration] harness self-test: aborting the extension host');
    setTimeout(() => process.abort(), 100);
    await new Promise((resolve) => setTimeout(resolve, 120_000));
  });
});
