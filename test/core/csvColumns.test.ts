/**
 * Following the CSV columns code picks with pandas: which shapes of code are followed (and
 * into which selection), which are left unknown (no offer, no guess), what a selection the file
 * does not fit says, what the header check and the offer say.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeFilesLabel } from '../../src/core/data/codePaths';
import { columnLabels, resolveColumns } from '../../src/core/data/columns';
import { expectedData } from '../../src/core/data/expected';
import { headerProblems, readDataHeader } from '../../src/core/data/headerCheck';
import { codeDataFiles } from '../../src/core/data/sourceData';
import type { ColumnSelection } from '../../src/core/protocol/runtimeTasks';
import { analyze, model } from './helpers';

const MODEL = `import numpy as np
import pandas as pd
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer='adam', loss='mse')
`;

async function filesOf(code: string, fit = 'model.fit(X, y)') {
  const a = await analyze(`${MODEL}${code}\n${fit}\n`);
  return codeDataFiles(a, model(a).ir);
}

test('the pandas shapes people write are followed into a selection per role, with the line that picks the columns', async () => {
  const files = await filesOf(
    "df = pd.read_csv('data/train.csv')\nX = df[['a', 'b', 'c']].values\ny = df['label'].values",
  );
  assert.deepEqual(files?.columns, {
    x: { header: true, steps: [{ op: 'take', labels: ['a', 'b', 'c'] }], series: false, line: 7 },
    y: { header: true, steps: [{ op: 'take', labels: ['label'] }], series: true, line: 8 },
  });
  assert.equal(files?.x, 'data/train.csv');
  assert.equal(files?.y, 'data/train.csv');
  assert.equal(
    files?.description,
    "pd.read_csv('data/train.csv') at line 6, columns a, b, c at line 7, pd.read_csv('data/train.csv') at line 6, column label at line 8",
  );
  const followed: [string, Partial<ColumnSelection>][] = [
    ["X = pd.read_csv('t.csv', usecols=['b', 'a']).values", { steps: [{ op: 'usecols', columns: ['b', 'a'] }] }],
    [
      "X = pd.read_csv('t.csv', header=None, usecols=[0, 2]).to_numpy()",
      { header: false, steps: [{ op: 'usecols', columns: [0, 2] }] },
    ],
    ["X = pd.read_csv('t.csv').iloc[:, :-1].values", { steps: [{ op: 'range', start: null, stop: -1, step: null }] }],
    ["X = pd.read_csv('t.csv').iloc[:, 1:5].values", { steps: [{ op: 'range', start: 1, stop: 5, step: null }] }],
    ["X = pd.read_csv('t.csv').iloc[:, -1].values", { steps: [{ op: 'positions', positions: [-1] }], series: true }],
    ["X = pd.read_csv('t.csv').iloc[:, [0, 2]].values", { steps: [{ op: 'positions', positions: [0, 2] }] }],
    ["X = pd.read_csv('t.csv').drop(columns=['label']).values", { steps: [{ op: 'drop', labels: ['label'] }] }],
    ["X = pd.read_csv('t.csv').drop('label', axis=1).values", { steps: [{ op: 'drop', labels: ['label'] }] }],
    [
      "X = pd.read_csv('t.csv').drop(['id', 'label'], axis='columns').astype('float32').values",
      { steps: [{ op: 'drop', labels: ['id', 'label'] }] },
    ],
    ["X = pd.read_csv('t.csv').loc[:, ['a', 'b']].values", { steps: [{ op: 'take', labels: ['a', 'b'] }] }],
    [
      "X = pd.read_csv('t.csv', header=None)[3].values",
      { header: false, steps: [{ op: 'take', labels: [3] }], series: true },
    ],
    ["X = pd.read_csv('t.csv').values[:, 1:]", { steps: [{ op: 'range', start: 1, stop: null, step: null }] }],
    [
      "X = np.loadtxt('t.csv', delimiter=',')[:, :-1]",
      { header: false, steps: [{ op: 'range', start: null, stop: -1, step: null }] },
    ],
    ["X = pd.read_csv('t.csv').values", { steps: [] }],
    [
      "df = pd.read_csv('t.csv', usecols=['a', 'b', 'label'])\nX = df.drop(columns='label').iloc[:, ::-1].values",
      {
        steps: [
          { op: 'usecols', columns: ['a', 'b', 'label'] },
          { op: 'drop', labels: ['label'] },
          { op: 'range', start: null, stop: null, step: -1 },
        ],
      },
    ],
  ];
  for (const [code, expected] of followed) {
    const got = (await filesOf(code, 'model.predict(X)'))?.columns?.x;
    assert.ok(got, `not followed: ${code}`);
    const { line: _line, ...rest } = got;
    assert.deepEqual(rest, { header: true, series: false, ...expected }, code);
  }
});

test('what pandas code does beyond picking columns is not followed: no offer, no guess', async () => {
  for (const code of [
    "df = pd.read_csv('t.csv')\nX = df[df['a'] > 0].values", // a row filter
    "df = pd.read_csv('t.csv')\ndf['c'] = df['a'] * 2\nX = df[['a', 'c']].values", // a computed column
    "df = pd.read_csv('t.csv')\ndf['a'] = df['a'] / 255.0\nX = df.values", // a column changed in place
    "df = pd.read_csv('t.csv')\ndf.dropna(inplace=True)\nX = df.values", // rows dropped in place
    "df = pd.read_csv('t.csv')\nd2 = df\nd2['a'] = 0\nX = df.values", // changed through another name for it
    "df = pd.read_csv('t.csv')\nd2 = df\nd2.dropna(inplace=True)\nX = df[['a']].values", // the same, by a method
    "df = pd.read_csv('t.csv')\nd2 = df\ndf['a'] = 0\nX = d2.values", // and the other way round
    "df = pd.read_csv('t.csv')\ndf.columns = ['x', 'y', 'z']\nX = df[['x']].values", // renamed
    "X = pd.read_csv('t.csv').iloc[1:, :-1].values", // rows sliced
    "X = pd.read_csv('t.csv').iloc[:, :-1].values.reshape(-1, 3, 1)", // reshaped
    "X = pd.read_csv('t.csv')['label'].values[:, 0]", // a Series' values have no columns
    "X = pd.read_csv('t.csv').loc[:, 'a':'c'].values", // a label slice
    "X = pd.read_csv('t.csv').drop('label').values", // rows by label
    "X = pd.read_csv('t.csv', usecols=['a', 0]).values", // names and positions mixed
    "X = pd.read_csv('t.csv', usecols=lambda c: c != 'id').values", // a callable
    "X = pd.read_csv('t.csv', index_col=0).values",
    "X = pd.read_csv('t.csv').merge(other).values",
    "X = np.load('x.npy')[:, :-1]", // not a table
    "X = pd.read_csv('t.csv').iloc", // an indexer is not data
  ]) {
    assert.equal(await filesOf(code, 'model.predict(X)'), null, code);
  }
});

const selection = (steps: ColumnSelection['steps'], header = true, series = false): ColumnSelection => ({
  header,
  steps,
  series,
  line: 12,
});

test('a column the file does not have is one sentence naming the file, the column and the code line', () => {
  const labels = columnLabels(['id', 'a', 'b', 'label'], 4);
  assert.deepEqual(resolveColumns(selection([{ op: 'drop', labels: ['id', 'label'] }]), labels, 'x (t.csv)'), {
    indices: [1, 2],
    series: false,
  });
  assert.throws(
    () => resolveColumns(selection([{ op: 'take', labels: ['lable'] }], true, true), labels, 'y (data/t.csv)'),
    {
      message:
        "y (data/t.csv): column 'lable', which line 12 reads, is not in the file's header (its columns: 'id', 'a', 'b', 'label')",
    },
  );
  assert.throws(
    () => resolveColumns(selection([{ op: 'take', labels: ['a'] }], false, true), columnLabels(null, 3), 'y (t.csv)'),
    /y \(t\.csv\): column 'a', which line 12 reads, is not a column: the file is read with header=None, so its columns are numbered 0 to 2/,
  );
  assert.throws(
    () => resolveColumns(selection([{ op: 'positions', positions: [7] }]), labels, 'x (t.csv)'),
    /x \(t\.csv\): column position 7, which line 12 reads, is out of range: there are 4 columns/,
  );
  assert.throws(
    () => resolveColumns(selection([{ op: 'range', start: 4, stop: null, step: null }]), labels, 'x (t.csv)'),
    /x \(t\.csv\): no columns are left of the file's 4, which line 12 reads/,
  );
});

test("the header check measures the columns picked, and the offer names them with the code's line", async () => {
  const csv = new TextEncoder().encode('id,a,b,c,label\n1,2,3,4,0\n5,6,7,8,1\n');
  const x = selection([{ op: 'take', labels: ['a', 'b', 'c'] }]);
  const y = selection([{ op: 'take', labels: ['label'] }], true, true);
  assert.deepEqual(readDataHeader('t.csv', csv, csv.length, x), { shape: [null, 3], dtype: 'float64' });
  assert.deepEqual(readDataHeader('t.csv', csv, csv.length, y), { shape: [null], dtype: 'float64' });
  assert.deepEqual(readDataHeader('t.csv', csv, csv.length), { shape: [null, 5], dtype: 'float64' });
  assert.throws(
    () => readDataHeader('t.csv', csv, csv.length, selection([{ op: 'take', labels: ['d'] }])),
    /t\.csv: column 'd', which line 12 reads, is not in the file's header/,
  );
  const a = await analyze(`${MODEL}X = np.zeros((2, 3))\nmodel.predict(X)\n`);
  const inputs = expectedData(model(a).ir.config).inputs;
  assert.deepEqual(headerProblems(inputs, { file: 't.csv', header: { shape: [null, 3], dtype: 'float64' } }), []);
  const four = readDataHeader('t.csv', csv, csv.length, selection([{ op: 'drop', labels: ['label'] }]));
  assert.deepEqual(headerProblems(inputs, { file: 't.csv', header: four! }), [
    "t.csv holds (None, 4), but the model's input 'input_layer' takes (None, 3): axis 1 is 4, not 3",
  ]);

  const files = await filesOf("df = pd.read_csv('data/train.csv')\nX = df[['a', 'b']].values\ny = df['label'].values");
  assert.equal(
    codeFilesLabel(files!, (p) => p),
    'data/train.csv columns a, b (x) and column label (y), as lines 7 and 8 read them',
  );
  const oneLine = await filesOf(
    "df = pd.read_csv('data/train.csv', header=None)\nX, y = df.iloc[:, :-1], df.iloc[:, -1]",
  );
  assert.equal(
    codeFilesLabel(oneLine!, (p) => p),
    'data/train.csv every column but the last (x) and the last column (y), as line 7 reads them',
  );
  assert.equal(
    codeFilesLabel({ x: 'X.npy', y: 'y.npy' }, (p) => p),
    'X.npy, y.npy',
  );
});
