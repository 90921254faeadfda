// The real-VS Code integration suite as one node:test test, so `npm test` (test/run-all.mjs →
// node --test) includes it. It runs test/vscode/run.mjs (bundles the suite, then code-server +
// Chromium by default, or MASKLENS_VSCODE=electron) and requires exit code 0.
// It never skips: if code-server or Chromium cannot be installed or started, the launcher exits
// non-zero and this test fails with the launcher's output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kind = (process.env.MASKLENS_VSCODE || 'code-server').toLowerCase();
// generous: a first run installs code-server (about 1–2 min) and Chromium (apt)
const timeoutMs = Number(process.env.MASKLENS_VSCODE_TEST_TIMEOUT_MS ?? 30 * 60_000);

/** Runs test/vscode/run.mjs with `env` added; resolves to its exit code and the end of its output. */
async function runSuite(t, env) {
  const tail = [];
  const child = spawn(process.execPath, [join(root, 'test', 'vscode', 'run.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      MASKLENS_VSCODE_TIMEOUT_MS: process.env.MASKLENS_VSCODE_TIMEOUT_MS ?? String(timeoutMs - 60_000),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: t.signal, // test timeout or cancellation: SIGTERM → the runner stops code-server and Chromium
    killSignal: 'SIGTERM',
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      process.stdout.write(d.replace(/^/gm, '# ').replace(/# $/, '')); // TAP-safe diagnostics
      tail.push(d);
      while (tail.length > 200) tail.shift();
    });
  }
  const code = await new Promise((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1)));
  });
  return { code, tail: tail.join('').slice(-6000) };
}

test(`integration suite in a real VS Code (${kind})`, { timeout: timeoutMs }, async (t) => {
  const started = Date.now();
  const { code, tail } = await runSuite(t, {});
  assert.equal(code, 0, `the integration suite failed in ${kind} (exit ${code}); last output:\n${tail}`);
  if (kind === 'code-server') {
    const finalPng = join(root, 'test-results', 'workbench-final.png');
    assert.ok(
      existsSync(finalPng) && statSync(finalPng).mtimeMs >= started,
      'test-results/workbench-final.png was not written by this run',
    );
  }
});

// The windows other than a folder, each with the suites written for it (they register only there).
if (kind === 'code-server') {
  test('Select Data in a window without a folder (code-server)', { timeout: timeoutMs }, async (t) => {
    const { code, tail } = await runSuite(t, {
      MASKLENS_TEST_WORKSPACE: 'none',
      MASKLENS_ITEST_GREP: '^Select Data \\(single-file window\\)',
    });
    assert.equal(code, 0, `the single-file window suite failed (exit ${code}); last output:\n${tail}`);
    assert.match(tail, /1 passing/, 'the suite for a window without a folder did not run');
  });

  test('Select Data in a multi-root workspace (code-server)', { timeout: timeoutMs }, async (t) => {
    const second = mkdtempSync(join(tmpdir(), 'masklens-second-root-'));
    const workspaceFile = join(mkdtempSync(join(tmpdir(), 'masklens-multi-root-')), 'two.code-workspace');
    writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: join(root, 'examples') }, { path: second }] }));
    try {
      const { code, tail } = await runSuite(t, {
        MASKLENS_TEST_WORKSPACE: workspaceFile,
        MASKLENS_ITEST_GREP: '^Select Data \\(multi-root window\\)',
      });
      assert.equal(code, 0, `the multi-root suite failed (exit ${code}); last output:\n${tail}`);
      assert.match(tail, /1 passing/, 'the multi-root suite did not run');
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });
}
