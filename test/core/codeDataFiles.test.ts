/**
 * Data files the code loads (`np.load('data/X.npy')`): remembered through the variables the
 * training call passes, offered as the model's data where Python would find them, and checked
 * from their headers against the model before anything runs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateCodeFiles } from '../../src/core/data/codePaths';
import { expectedData } from '../../src/core/data/expected';
import { headerProblems, readDataHeader } from '../../src/core/data/headerCheck';
import { writeNpy } from '../../src/core/data/npy';
import { codeDataFiles } from '../../src/core/data/sourceData';
import { analyze, model } from './helpers';

const MODEL = `import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(None, 24)),
    layers.Masking(mask_value=0.0),
    layers.LSTM(8, return_sequences=True),
    layers.Dense(1),
])
model.compile(optimizer='adam', loss='mse')
`;

test('np.load of a literal path into the names fit passes: x and y are offered, with the lines they are loaded on', async () => {
  const a = await analyze(`${MODEL}
X_tr = np.load('data/X_word_tr.npy')
y_tr = np.load("data/y_tr.npy", allow_pickle=True)
model.fit(X_tr, y_tr, epochs=2)
`);
  const files = codeDataFiles(a, model(a).ir);
  assert.deepEqual(files, {
    x: 'data/X_word_tr.npy',
    y: 'data/y_tr.npy',
    description: "np.load('data/X_word_tr.npy') at line 13, np.load('data/y_tr.npy') at line 14",
  });
  assert.deepEqual(a.inlineData, {}, 'nothing is read from a file by the analysis');
});

test('an .npz archive: the members the code picks by name become keys; evaluate wins over fit', async () => {
  const a = await analyze(`${MODEL}
arrays = np.load('data/train.npz')
xs, ys = arrays['inputs'], arrays['targets']
test = np.load('data/test.npz')
xt = test['x']
yt = test['y']
model.fit(xs, ys)
model.evaluate(xt, yt)
`);
  assert.deepEqual(codeDataFiles(a, model(a).ir), {
    x: 'data/test.npz',
    y: 'data/test.npz',
    keys: { x: 'x', y: 'y' },
    description: "np.load('data/test.npz')['x'] at line 15, np.load('data/test.npz')['y'] at line 15",
  });
});

test('what the runtime would not read alike is not offered: sliced, computed, unknown paths, loadtxt without commas', async () => {
  for (const load of [
    "np.load('X.npy')[:100]",
    'np.load(path)',
    "np.load('X.npy') / 255.0",
    "np.loadtxt('X.csv')",
    "np.loadtxt('X.txt', delimiter=',')",
    "np.loadtxt('X.csv', delimiter=',', skiprows=1)",
    "np.load('X.npy').reshape(-1, 10, 24)",
  ]) {
    const a = await analyze(`${MODEL}
path = input()
X = ${load}
model.predict(X)
`);
    assert.equal(codeDataFiles(a, model(a).ir), null, load);
  }
  const csv = await analyze(`${MODEL}
X = np.loadtxt('X.csv', delimiter=',')
model.predict(X)
`);
  assert.equal(codeDataFiles(csv, model(csv).ir)?.x, 'X.csv');
});

test('located where Python would look: the first folder holding every file; the sentence says what was used or where it looked', () => {
  const root = mkdtempSync(join(tmpdir(), 'masklens-codefiles-'));
  const scripts = join(root, 'scripts');
  mkdirSync(join(scripts, 'data'), { recursive: true });
  writeFileSync(join(scripts, 'data', 'X.npy'), writeNpy({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }));
  writeFileSync(join(scripts, 'data', 'y.npy'), writeNpy({ shape: [2], data: [0, 1] }));
  const files = { x: 'data/X.npy', y: 'data/y.npy', description: "np.load('data/X.npy') at line 3" };
  const isFile = (p: string) => ['X.npy', 'y.npy'].some((n) => p === join(scripts, 'data', n));
  const found = locateCodeFiles(files, [root, scripts], isFile);
  assert.deepEqual(found.data, {
    source: 'file',
    x: join(scripts, 'data', 'X.npy'),
    y: join(scripts, 'data', 'y.npy'),
  });
  assert.match(found.note, /using the data files the code loads: np\.load\('data\/X\.npy'\) at line 3/);
  const missing = locateCodeFiles({ ...files, y: 'data/nope.npy' }, [root, scripts], isFile);
  assert.equal(missing.data, null);
  assert.match(missing.note, /those files are not there \(looked in .* and .*scripts\)/);
});

test('headers against the model: a matching .npy passes; a wrong axis, a wrong rank, unpaired labels and a corrupt file are one sentence each', async () => {
  const a = await analyze(`from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Embedding(10, 4, mask_zero=True), keras.layers.LSTM(3)])
`);
  const expected = expectedData(model(a).ir.config);
  assert.deepEqual(expected.lines, ['input_layer: (None, 4) integer token ids']);
  const npy = (shape: number[]) => {
    const bytes = writeNpy({ shape, data: Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => 1) });
    return readDataHeader('x.npy', bytes, bytes.length);
  };
  const good = npy([5, 4]);
  assert.deepEqual(good?.shape, [5, 4]);
  assert.deepEqual(headerProblems(expected.inputs, { file: 'x.npy', header: good! }), []);
  assert.deepEqual(headerProblems(expected.inputs, { file: 'x.npy', header: npy([5, 7])! }), [
    "x.npy holds (5, 7), but the model's input 'input_layer' takes (None, 4): axis 1 is 7, not 4",
  ]);
  assert.deepEqual(headerProblems(expected.inputs, { file: 'x.npy', header: npy([5, 2, 3])! }), [
    "x.npy holds (5, 2, 3) (3 axes), but the model's input 'input_layer' takes (None, 4) (2 axes)",
  ]);
  assert.deepEqual(
    headerProblems(expected.inputs, { file: 'x.npy', header: npy([5, 2, 2])! }),
    [],
    'flat rows of the right size are reshaped',
  );
  assert.deepEqual(
    headerProblems(expected.inputs, { file: 'x.npy', header: good! }, { file: 'y.npy', header: npy([6, 1])! }),
    ['y.npy holds 6 samples, x.npy 5: labels and inputs must pair up one to one'],
  );
  const truncated = writeNpy({ shape: [50, 4], data: Array.from({ length: 200 }, () => 1) }).subarray(0, 300);
  assert.throws(
    () => readDataHeader('x.npy', truncated, truncated.length),
    /x\.npy: corrupt or truncated \.npy file: shape \(50, 4\)/,
  );
  assert.throws(() => readDataHeader('x.npy', new TextEncoder().encode('hello'), 5), /x\.npy: not a \.npy file/);
  const csv = new TextEncoder().encode('a,b,c,d\n1,2,0,0\n3,4,5,0\n6,7,8');
  assert.deepEqual(readDataHeader('x.csv', csv, csv.length + 100), { shape: [null, 4], dtype: 'float64' });
  const ragged = new TextEncoder().encode('1,2,0,0\n3,4,5\n');
  assert.throws(
    () => readDataHeader('x.csv', ragged, ragged.length),
    /x\.csv: rows of different lengths \(4, 3 values\)/,
  );
  assert.equal(readDataHeader('x.npz', new Uint8Array(10), 10), null, 'an .npz member is checked when it runs');
});

test('pandas: a CSV read whole, its .values or .to_numpy(), and .astype() keep the file; column choices do not', async () => {
  for (const [load, expected] of [
    ["pd.read_csv('data/train.csv').values", 'data/train.csv'],
    ["pd.read_csv('data/train.csv', header=None).to_numpy()", 'data/train.csv'],
    ["pd.read_csv('data/train.csv', sep=',').values.astype('float32')", 'data/train.csv'],
    ["np.load('X.npy').astype(np.float32)", 'X.npy'],
    ["pd.read_csv('data/train.csv', usecols=[0, 1]).values", null],
    ["pd.read_csv('data/train.csv', index_col=0).values", null],
    ["pd.read_csv('data/train.tsv', sep='\\t').values", null],
    ["pd.read_csv('data/train.csv')[['a', 'b']].values", null],
  ] as const) {
    const a = await analyze(`import pandas as pd
${MODEL}
X = ${load}
model.predict(X)
`);
    assert.equal(codeDataFiles(a, model(a).ir)?.x ?? null, expected, load);
  }
});
