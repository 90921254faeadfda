/** The shipped CLI (dist/cli.js) on native TensorFlow: real data from the source, clean errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNpy } from '../../src/core/data/npy';

const root = join(__dirname, '..', '..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });

test('masklens compare runs seed 001 on its own arrays', () => {
  const r = cli('compare', 'examples/seed001_embedding_dense_mse.py', '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as {
    backend: string;
    data: { source: string };
    maskReachesLoss: boolean;
    reductions: { id: string; value: number }[];
  };
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

test('long --json output survives a pipe whole (it was cut at 64 KiB by exiting before the flush)', () => {
  const r = cli('evaluate', 'examples/seed002_lambda_with_mask.py', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.length > 1 << 16, `only ${r.stdout.length} characters`);
  const result = JSON.parse(r.stdout) as { layers: unknown[] };
  assert.ok(result.layers.length > 0);
});

test('a multi-output model: --output picks the term, an unknown output is a located error', () => {
  const ok = cli('compare', 'test/golden/corpus/c23_multi_output.py', '--output', 'label', '--json');
  assert.equal(ok.status, 0, ok.stderr);
  const result = JSON.parse(ok.stdout) as {
    modelOutput: { name: string; names: string[] };
    loss: string;
    maskReachesLoss: boolean;
  };
  assert.deepEqual(result.modelOutput, { name: 'label', names: ['tags', 'label'] });
  assert.equal(result.loss, 'binary_crossentropy');
  assert.equal(result.maskReachesLoss, false, 'GlobalAveragePooling1D consumed the mask before the label');
  const bad = cli('evaluate', 'test/golden/corpus/c23_multi_output.py', '--output', 'nope');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /the model has no output "nope"; its outputs are 0: 'tags', 1: 'label'/);
});

test('masklens evaluate runs on the files the code loads, found beside the script, as --data would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'masklens-cli-loads-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'X.npy'), writeNpy({ shape: [3, 4], data: [1, 2, 0, 0, 3, 4, 5, 0, 6, 0, 0, 0] }));
  writeFileSync(
    join(dir, 'data', 'y.npy'),
    writeNpy({ shape: [3, 4, 1], data: Array.from({ length: 12 }, (_, i) => (i % 5) / 4) }),
  );
  const script = join(dir, 'train.py');
  writeFileSync(
    script,
    `import numpy as np
from keras import Sequential
from keras.layers import Input, Embedding, LSTM, Dense

X = np.load('data/X.npy')
y = np.load('data/y.npy')
model = Sequential([Input(shape=(4,)), Embedding(10, 4, mask_zero=True), LSTM(3, return_sequences=True), Dense(1)])
model.compile(optimizer='adam', loss='mse')
model.fit(X, y)
`,
  );
  const loads = cli('evaluate', script, '--json');
  assert.equal(loads.status, 0, loads.stderr);
  assert.match(
    loads.stderr,
    /note: using the data files the code loads: np\.load\('data\/X\.npy'\) at line 5, np\.load\('data\/y\.npy'\) at line 6/,
  );
  const chosen = cli(
    'evaluate',
    script,
    '--json',
    '--data',
    join(dir, 'data', 'X.npy'),
    '--labels',
    join(dir, 'data', 'y.npy'),
  );
  assert.equal(chosen.status, 0, chosen.stderr);
  type Result = { data: { source: string; samples: number }; loss: { 'valid-mean': number } };
  const a = JSON.parse(loads.stdout) as Result;
  const b = JSON.parse(chosen.stdout) as Result;
  assert.equal(a.data.source, 'file');
  assert.equal(a.data.samples, 3);
  assert.equal(typeof a.loss['valid-mean'], 'number');
  assert.equal(a.loss['valid-mean'], b.loss['valid-mean']);
});
