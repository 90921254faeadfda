/** `masklens evaluate|compare|train FILE`: the seed files end to end, in-process. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { runCompare, runEvaluate, runTrain } from '../../src/cli/evaluate';

const dir = mkdtempSync(join(tmpdir(), 'masklens-cli-'));

const SEED001 = `import numpy as np
from keras.layers import Input, Embedding, Dense
from keras.models import Model
data_in = np.array([[1, 2, 0, 0]])
data_out = np.arange(12).reshape(1,4,3)
x = Input(shape=(4,))
e = Embedding(5, 5, mask_zero=True)(x)
d = Dense(3)(e)
m = Model(inputs=x, outputs=d)
m.compile(loss='mse', optimizer='adam')
loss = m.evaluate(data_in, data_out, verbose=0)
`;

const SEED002 = `from keras import Sequential
from keras.layers import Masking, LSTM, Lambda
N = 2
timesteps, features = 8, 3
model = Sequential()
model.add(Masking(mask_value=0., input_shape=(timesteps, features)))
model.add(LSTM(4, return_sequences=True))
model.add(LSTM(1, return_sequences=True))
model.add(Lambda(lambda x: x[:, N:, :]))
model.compile('adam', 'mae')
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

test("evaluate --json on seed 001: the issue's fields, inline data from the source, loss over valid steps", async () => {
  const file = join(dir, 'seed001.py');
  writeFileSync(file, SEED001);
  const c = capture();
  assert.equal(await runEvaluate([file, '--json'], c.io), 0, c.err.join(''));
  const r = JSON.parse(c.out.join('')) as Record<string, unknown> & {
    data: { source: string };
    layers: { name: string; mask: number[][] | null }[];
    loss: Record<string, number>;
  };
  for (const key of [
    'backend',
    'model',
    'data',
    'layers',
    'output',
    'perTimestepLoss',
    'loss',
    'paddingShareOfUnmaskedLoss',
  ])
    assert.ok(key in r, key);
  assert.equal(r.data.source, 'inline');
  assert.deepEqual(r.layers[0].mask, [[1, 1, 0, 0]]);
  assert.ok(r.loss['valid-mean'] < r.loss.none);
});

test('compare on seed 002 without mask=: the Lambda drops the mask, every reduction equals the unmasked mean', async () => {
  const file = join(dir, 'seed002.py');
  writeFileSync(file, SEED002);
  const c = capture();
  assert.equal(await runCompare([file, '--json', '--samples', '3'], c.io), 0, c.err.join(''));
  const r = JSON.parse(c.out.join('')) as {
    maskReachesLoss: boolean;
    maskDroppedBy: string;
    reductions: { value: number }[];
    data: { synthetic: boolean };
  };
  assert.equal(r.maskReachesLoss, false);
  assert.equal(r.maskDroppedBy, 'lambda');
  assert.equal(r.data.synthetic, true);
  for (const row of r.reductions) assert.ok(Math.abs(row.value - r.reductions[0].value) < 1e-6 * r.reductions[0].value);
});

test('train prints a per-epoch table; usage errors exit 2; task errors exit 1', async () => {
  const file = join(dir, 'seed001.py');
  writeFileSync(file, SEED001);
  const c = capture();
  assert.equal(await runTrain([file, '--epochs', '2', '--optimizer', 'sgd'], c.io), 0, c.err.join(''));
  assert.match(c.out.join(''), /epoch\s+masked\s+unmasked/);
  const bad = capture();
  assert.equal(await runEvaluate([file, '--semantics', 'median'], bad.io), 2);
  const missing = capture();
  assert.equal(await runEvaluate([file, '--data', join(dir, 'nope.npy')], missing.io), 1);
  assert.match(missing.err.join(''), /file not found/);
});
