// The real-VS Code harness must fail when the extension host dies: VS Code's workbench reports
// exit code 0 after the extension host aborted (SIGABRT), so a harness trusting that code would
// pass a suite whose host crashed. This runs the code-server harness on a suite whose only
// selected test aborts the extension host (test/vscode/selftest/), and requires a non-zero exit
// that names the signal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSuite } from './build-suite.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the code-server harness fails when the extension host dies', { timeout: 20 * 60_000 }, async (t) => {
  const tests = join(root, 'dist', 'test', 'harness-selftest'); // inside the repository, where `mocha` resolves
  await buildSuite({
    outdir: tests,
    include: [join(root, 'test', 'vscode', 'selftest', 'abort-extension-host.itest.ts')],
  });
  const results = mkdtempSync(join(tmpdir(), 'masklens-harness-selftest-'));
  t.after(() => rmSync(results, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    [
      join(root, 'test', 'vscode', 'run-code-server.mjs'),
      '--tests',
      tests,
      '--results',
      results,
      '--timeout',
      String(10 * 60_000),
    ],
    {
      cwd: root,
      env: { ...process.env, MASKLENS_ITEST_GREP: '^harness self-test ', MASKLENS_BROWSER_CONSOLE: 'tests' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: t.signal,
      killSignal: 'SIGTERM',
    },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (d) => (output += d));
  const code = await new Promise((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1)));
  });
  const tail = output
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .slice(-40)
    .join('\n');
  assert.match(output, /harness self-test: aborting the extension host/, `the self-test suite never ran:\n${tail}`);
  assert.notEqual(code, 0, `the harness passed although the extension host aborted:\n${tail}`);
  assert.match(output, /FAILED: the extension host died \(SIGABRT\) before the suite finished/, tail);
});
