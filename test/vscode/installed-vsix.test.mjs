// The packaged .vsix installed into clean code-server profiles (test/vscode/run-installed.mjs):
// its size and file list, then seed 001 evaluated on TensorFlow downloaded from PyPI, again from
// that download, and from a Python environment. As one node:test test, so `npm test` runs it.
// It never skips: whatever cannot be built, installed or started fails it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const timeoutMs = Number(process.env.MASKLENS_VSCODE_TEST_TIMEOUT_MS ?? 30 * 60_000);

test(
  'the .vsix: under 50 MB, only what ships, and TensorFlow on first use in a clean profile',
  { timeout: timeoutMs },
  async (t) => {
    const tail = [];
    const child = spawn(process.execPath, [join(root, 'test', 'vscode', 'run-installed.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: t.signal,
      killSignal: 'SIGTERM',
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (d) => {
        process.stdout.write(d.replace(/^/gm, '# ').replace(/# $/, ''));
        tail.push(d);
        while (tail.length > 200) tail.shift();
      });
    }
    const code = await new Promise((resolve) => {
      child.on('error', () => resolve(-1));
      child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1)));
    });
    assert.equal(code, 0, `the installed-.vsix run failed (exit ${code}); last output:\n${tail.join('').slice(-6000)}`);
  },
);
