/** The shipped CLI (dist/cli.js) on native TensorFlow: real data from the source, clean errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });

test('masklens compare runs seed 001 on its own arrays', () => {
  const r = cli('compare', 'examples/seed001_embedding_dense_mse.py', '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { backend: string; data: { source: string }; maskReachesLoss: boolean; reductions: { id: string; value: number }[] };
  assert.equal(result.backend, 'tensorflow');
  assert.equal(result.data.source, 'inline');
  assert.equal(result.maskReachesLoss, true);
  const by = Object.fromEntries(result.reductions.map((x) => [x.id, x.value]));
  // Two of four steps are valid for the one sample: total-mean is half of valid-mean.
  assert.ok(Math.abs(by['total-mean'] - by['valid-mean'] / 2) < 1e-6 * by['valid-mean']);
});

test('masklens evaluate reports a corrupt data file once and exits 1', () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'masklens-cli-')), 'bad.npy');
  writeFileSync(bad, 'garbage');
  const r = cli('evaluate', 'examples/seed001_embedding_dense_mse.py', '--data', bad);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^masklens evaluate: x \(.*bad\.npy\): not a \.npy file/m);
});
