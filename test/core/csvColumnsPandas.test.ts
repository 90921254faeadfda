/**
 * The CSV columns code picks with pandas, read by MaskLens, against real pandas: each snippet
 * is read statically by the analysis (the columns it picks for x and y) and the selection is
 * applied to the file by the reader the worker uses; the same snippet is then run by pandas in
 * the repository's .venv, and the arrays must be the same, value for value and shape for shape.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { headerReading, pickColumns } from '../../src/core/data/columns';
import { parseCsv } from '../../src/core/data/csv';
import { codeDataFiles } from '../../src/core/data/sourceData';
import type { ColumnSelection } from '../../src/core/protocol/runtimeTasks';
import { analyze, model } from './helpers';

const root = join(import.meta.dirname, '..', '..');
const python = [join(root, '.venv', 'bin', 'python'), join(root, '.venv', 'Scripts', 'python.exe')].find(existsSync);

const FILES: Record<string, string> = {
  'with_header.csv': 'id,a,b,c,label\n1,0.5,2,3.25,0\n2,1.5,,4,1\n3,-2.75,8,nan,1\n4,6,7.5,1e3,0\n',
  'no_header.csv': '1,0.5,2,3.25\n2,1.5,5,4\n3,-2.75,8,9\n',
  // pandas takes the first row as the names even when it holds numbers (header=0 is its default).
  'numeric_header.csv': '10,20,30\n1,2,3\n4,5,6\n',
  // Repeated and empty names: pandas renames them a.1 and Unnamed: 2.
  'odd_names.csv': 'a,a,,label\n1,2,3,0\n4,5,6,1\n',
};

const CASES: { name: string; code: string }[] = [
  {
    name: 'names with a header row',
    code: "df = pd.read_csv('with_header.csv')\nX = df[['a', 'b']].values\ny = df['label'].values",
  },
  {
    name: 'header=None with iloc',
    code: "d = pd.read_csv('no_header.csv', header=None)\nX = d.iloc[:, :-1].to_numpy()\ny = d.iloc[:, -1].values",
  },
  {
    name: 'usecols out of file order, then drop and a one-column table',
    code: "df = pd.read_csv('with_header.csv', usecols=['label', 'c', 'a'])\nX = df.drop(columns=['label']).values\ny = df[['label']].values",
  },
  {
    name: "drop('label', axis=1), astype, loc",
    code: "df = pd.read_csv('with_header.csv')\nX = df.drop('label', axis=1).astype('float32').values\ny = df.loc[:, 'label'].to_numpy()",
  },
  {
    name: 'header=None with integer usecols, a position slice and a numbered column',
    code: "d = pd.read_csv('no_header.csv', header=None, usecols=[0, 2, 3])\nX = d.iloc[:, 0:2].values\ny = d[3].values",
  },
  {
    name: 'NumPy slices of .values',
    code: "data = pd.read_csv('with_header.csv').values\nX = data[:, 1:-1]\ny = data[:, -1]",
  },
  {
    name: 'a numeric first row is the header',
    code: "df = pd.read_csv('numeric_header.csv')\nX = df.iloc[:, [0, 2]].values\ny = df.iloc[:, 1].values",
  },
  {
    name: 'renamed repeated and empty names',
    code: "df = pd.read_csv('odd_names.csv')\nX = df[['a.1', 'Unnamed: 2']].values\ny = df['label'].values",
  },
];

const MODEL = `import pandas as pd
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.compile(optimizer='adam', loss='mse')
`;

interface Arrays {
  x: { shape: number[]; values: (number | null)[] };
  y: { shape: number[]; values: (number | null)[] };
}

/** Runs every snippet with pandas in `dir`; NaN comes back as null. */
function pandasArrays(dir: string): Arrays[] {
  assert.ok(python, 'the repository has its .venv (npm ci creates it, with pandas from requirements-python.lock)');
  const script = `import json, math, os, sys
import numpy as np
import pandas as pd
os.chdir(sys.argv[1])
def plain(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "values": [None if math.isnan(v) else v for v in a.ravel().tolist()]}
out = []
for code in json.loads(sys.stdin.read()):
    scope = {"pd": pd, "np": np}
    exec(code, scope)
    out.append({"x": plain(scope["X"]), "y": plain(scope["y"])})
print(json.dumps(out))
`;
  const run = spawnSync(python, ['-c', script, dir], {
    input: JSON.stringify(CASES.map((c) => c.code)),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Arrays[];
}

function masklensArray(dir: string, path: string, selection: ColumnSelection) {
  const where = `x (${path})`;
  const array = pickColumns(
    parseCsv(readFileSync(join(dir, path), 'utf8'), where, headerReading(selection)),
    selection,
    where,
  );
  return { shape: array.shape, values: [...array.data].map((v) => (Number.isNaN(v) ? null : v)) };
}

test('the columns code picks with pandas are the arrays pandas gives (header, header=None, usecols, iloc, loc, drop, .values slices)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'masklens-pandas-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const expected = pandasArrays(dir);
  for (const [i, c] of CASES.entries()) {
    const a = await analyze(`${MODEL}${c.code}\nmodel.fit(X, y)\n`);
    const files = codeDataFiles(a, model(a).ir);
    assert.ok(files?.columns?.x && files.columns.y && files.y, `${c.name}: the columns are not followed`);
    // float32 in pandas is what astype asks for; the values compared are the file's, as MaskLens reads them.
    const x = masklensArray(dir, files.x, files.columns.x);
    const y = masklensArray(dir, files.y, files.columns.y);
    assert.deepEqual(x, expected[i].x, `${c.name}: x`);
    assert.deepEqual(y, expected[i].y, `${c.name}: y`);
  }
});
