/**
 * Evaluation over CSV files read by rows: files NumPy (`np.savetxt`) and pandas (`to_csv`) write
 * give, row for row, the values the whole-text read (parseCsv) gives, and the values NumPy wrote;
 * an evaluation over them reports every number the whole read does; the files people's CSVs are
 * (quoted line breaks, CRLF, byte-order marks, comments, ragged rows, text cells, a header alone)
 * read the same rows or fail with the same sentence, however the blocks cut them; the columns
 * code picks with pandas are the same streamed as whole; and a file whose whole read would pass
 * the task's memory cap is evaluated within it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { columnLabels, headerReading, pickColumns, resolveColumns } from '../../src/core/data/columns';
import { CSV_PARSE_FACTOR, type CsvHeader, parseCsv } from '../../src/core/data/csv';
import { DataError } from '../../src/core/data/errors';
import { parseNpy } from '../../src/core/data/npy';
import type { ColumnSelection } from '../../src/core/protocol/runtimeTasks';
import type { NdArray } from '../../src/core/runtime/array';
import { MemoryBudget } from '../../src/core/runtime/memory';
import { CSV_BLOCK, csvColumnRows, openCsvRows } from '../../src/worker/csvFile';
import { loadData } from '../../src/worker/data';
import { evaluate } from '../../src/worker/evaluation';
import { runTask } from '../../src/worker/registry';
import { buildGraph } from '../../src/core/graph/fromConfig';
import { arr, assertSameEvaluation, ctx, fileSession, layer, readCounts, sequential } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'masklens-csv-'));
const trusted = { mode: 'trusted' as const };
const python = join(__dirname, '..', '..', '.venv', 'bin', 'python');

const STEPS = 10;
const FEATURES = 3;
const SAMPLES = 650;

/** Runs a NumPy / pandas script in the repository's .venv with `dir` as its first argument. */
function py(script: string, ...args: string[]): string {
  return execFileSync(python, ['-c', `import sys\nimport numpy as np\nimport pandas as pd\n${script}`, dir, ...args], {
    encoding: 'utf8',
  });
}

// Post-padded sequences of random lengths (some of none), flattened to rows, and one target per row,
// saved as .npy too: the values NumPy holds, to compare every reading of the text with.
py(`
rng = np.random.default_rng(5)
x = np.zeros((${SAMPLES}, ${STEPS}, ${FEATURES}))
for s in range(${SAMPLES}):
    n = rng.integers(0, ${STEPS} + 1)
    x[s, :n] = rng.uniform(-1, 1, (n, ${FEATURES}))
x = x.reshape(${SAMPLES}, -1)
y = rng.uniform(0, 1, (${SAMPLES}, 1))
np.save(sys.argv[1] + '/x.npy', x)
np.save(sys.argv[1] + '/y.npy', y)
np.savetxt(sys.argv[1] + '/x-comma.csv', x, delimiter=',')
np.savetxt(sys.argv[1] + '/y.csv', y)
names = [f'v{i}' for i in range(x.shape[1])]
np.savetxt(sys.argv[1] + '/x-semicolon-header.csv', x, delimiter=';', header=';'.join(names), comments='')
np.savetxt(sys.argv[1] + '/x-tab-comment.tsv', x, delimiter='\\t', fmt='%.6g', header='written by np.savetxt')
# Names with commas and quotes: pandas quotes them; numbers as Python's shortest repr.
pd.DataFrame(x, columns=[f'step {i // ${FEATURES}}, "f{i % ${FEATURES}}"' for i in range(x.shape[1])]).to_csv(sys.argv[1] + '/x-pandas.csv', index=False)
# Windows line endings and a byte-order mark, as Excel writes.
pd.DataFrame(x, columns=[f'c{i}' for i in range(x.shape[1])]).to_csv(sys.argv[1] + '/x-excel.csv', index=False, lineterminator='\\r\\n', encoding='utf-8-sig')
`);

const numpyX = parseNpy(readFileSync(join(dir, 'x.npy')), 'x.npy');
const numpyY = parseNpy(readFileSync(join(dir, 'y.npy')), 'y.npy');
const budget = () => new MemoryBudget(2048);
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

function whole(path: string, header: CsvHeader = 'auto') {
  return parseCsv(new TextDecoder().decode(readFileSync(path)), 'x', header);
}

/** Every row read by rows, in blocks of `block` bytes, and the header found. */
function streamed(
  path: string,
  header: CsvHeader = 'auto',
  block?: number,
): { array: NdArray; header: string[] | null } {
  const rows = openCsvRows(path, trusted, 'x', { header, budget: budget(), block });
  try {
    return { array: rows.take(all(rows.shape[0])), header: rows.header };
  } finally {
    rows.close();
  }
}

const WRITTEN = ['x-comma.csv', 'x-semicolon-header.csv', 'x-tab-comment.tsv', 'x-pandas.csv', 'x-excel.csv'];

test('files NumPy and pandas write: every row read by rows equals the whole read, and the values NumPy wrote', () => {
  for (const name of WRITTEN) {
    const path = join(dir, name);
    const expected = whole(path);
    for (const block of [undefined, 4093]) {
      const got = streamed(path, 'auto', block);
      assert.deepEqual(got, expected, `${name}, blocks of ${block ?? 'default'} bytes`);
    }
    assert.deepEqual(expected.array.shape, numpyX.shape, name);
    if (name !== 'x-tab-comment.tsv') assert.deepEqual(expected.array.data, numpyX.data, `${name}: NumPy's values`);
  }
  // One column, whitespace-delimited by np.savetxt's default (one value a line, so no delimiter at all).
  const y = streamed(join(dir, 'y.csv'));
  assert.deepEqual(y, whole(join(dir, 'y.csv')));
  assert.deepEqual(y.array.data, numpyY.data);
  // Rows asked for out of order and in runs: each is the row the whole read has there.
  const path = join(dir, 'x-pandas.csv');
  const rows = openCsvRows(path, trusted, 'x', { header: 'auto', budget: budget(), block: 977 });
  try {
    const picked = [649, 0, 1, 2, 300, 301, 17, 648, 649];
    const width = numpyX.shape[1];
    const expected = picked.flatMap((r) => [...numpyX.data.subarray(r * width, (r + 1) * width)]);
    assert.deepEqual([...rows.take(picked).data], expected);
  } finally {
    rows.close();
  }
});

const model = sequential(
  [STEPS, FEATURES],
  [layer('Masking', { mask_value: 0 }), layer('GRU', { units: 4 }), layer('Dense', { units: 1 })],
);
const training = { loss: 'mse', batchSize: 40, metrics: ['mae'] };

async function evaluateFiles(x: string, y: string, memoryCapMB = 2048) {
  return runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: model, training },
      samplesShown: 7,
      memoryCapMB,
      data: { source: 'file', x, y },
      access: trusted,
    },
    ctx,
  );
}

test('an evaluation over CSV files read by rows reports every number the whole read does', async () => {
  const x = join(dir, 'x-pandas.csv');
  const y = join(dir, 'y.csv');
  const fromRows = await evaluateFiles(x, y);
  const xs = whole(x).array;
  const ys = whole(y).array;
  const fromWhole = await runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: model, training },
      samplesShown: 7,
      data: {
        source: 'inline',
        x: arr([SAMPLES, STEPS, FEATURES], [...xs.data]),
        y: arr([...ys.shape], [...ys.data]),
      },
    },
    ctx,
  );
  assertSameEvaluation(fromRows, fromWhole);
  assert.equal(fromRows.caps.samples.total, SAMPLES);
  // And the .npy files NumPy saved the same values in, read by rows too.
  assertSameEvaluation(fromRows, await evaluateFiles(join(dir, 'x.npy'), join(dir, 'y.npy')));
});

test("the data's checks ride on the reads: NaN and infinities in late rows are found, each row read once", () => {
  const path = join(dir, 'x-nan.csv');
  py(
    `x = np.load(sys.argv[1] + '/x.npy')
x[590, 7] = np.nan
x[601, 2] = -np.inf
np.savetxt(sys.argv[2], x, delimiter=',')`,
    path,
  );
  const session = fileSession(model, training, { x: path, y: join(dir, 'y.csv') });
  try {
    const e = evaluate(session, { shown: [0], caps: { samples: 4, timesteps: 64, features: 64 }, recordLayers: false });
    assert.equal(session.data.x[0].whole, null, 'the file is read by rows');
    assert.equal(session.data.y && readCounts(session.data.y).rowsRead, SAMPLES, "the targets' rows read once each");
    assert.deepEqual(session.data.info.nan, { x: 1, y: 0, sampleWeight: 0 });
    assert.deepEqual(session.data.info.inf, { x: 1, y: 0, sampleWeight: 0 });
    // Row 590, value 7 of the row: step 2, feature 1 once the row is read as steps x features.
    assert.ok(
      e.warnings.some((w) => w.startsWith('x: x holds 1 NaN value (first at [590, 2, 1])')),
      e.warnings.join('\n'),
    );
  } finally {
    session.dispose();
  }
});

/** What reading `text` gives: its rows and header, or its error's code and sentence. */
function outcome(read: () => { array: NdArray; header: string[] | null }): unknown {
  try {
    return read();
  } catch (error) {
    assert.ok(error instanceof DataError, String(error));
    return { code: error.code, message: error.message };
  }
}

const EDGES: Record<string, string> = {
  'quoted line break': 'a,"b\nc"\n1,"2\n"\n3,4\n',
  'quoted line break, CRLF': 'a,"b\r\nc"\r\n1,"2\r\n"\r\n3,4\r\n',
  CRLF: 'a,b\r\n1,2\r\n3,4\r\n',
  'byte-order mark': '\ufeffa;b\n1;2,5\n3;4\n',
  'two byte-order marks': '\ufeff\ufeff1,2\n3,4\n',
  'comments and blank lines': '# made by hand\n\n# more, with, commas\n1,2\n\n# between\n  \n3,4\n# last',
  'no line break at the end': '1,2\n3,4',
  'white space and special cells': ' 1 , 2 \n inf,-Infinity\nnan,\ntrue,FALSE\n',
  'ragged row': '1,2,3\n4,5,6\n7,8\n9,10,11\n',
  'ragged row after a text cell': '1,2,3\n4,x,6\n7,8\n',
  'text cell': '1,2\n3,4\n5,abc\n',
  'text cell after a quoted line break': '1,"2\n"\n3,"4\n\n"\n5,"x"\n',
  'header only': 'a,b,c\n',
  'header and comments only': 'a,b,c\n# no rows\n\n',
  empty: '',
  'blank lines only': '\n\n  \n',
  'unclosed quote': '1,2\n3,"4\n',
};

test('edge files: the same rows, or the same located sentence, as the whole read, wherever the blocks cut them', () => {
  for (const [name, text] of Object.entries(EDGES)) {
    const path = join(dir, `edge-${name.replace(/\W+/g, '-')}.csv`);
    writeFileSync(path, text);
    for (const header of ['auto', 'first-row', 'none'] as const) {
      const expected = outcome(() => whole(path, header));
      for (const block of [1, 2, 3, 7, 64, undefined])
        assert.deepEqual(
          outcome(() => streamed(path, header, block)),
          expected,
          `${name}, header ${header}, blocks of ${block ?? 'default'} bytes`,
        );
    }
  }
  // The sentences themselves, as parseCsv words them.
  const ragged = join(dir, 'edge-ragged-row.csv');
  assert.deepEqual(
    outcome(() => streamed(ragged)),
    {
      code: 'data-shape',
      message: 'x: line 3: a row has a different number of columns than the first row',
    },
  );
  assert.deepEqual(
    outcome(() => streamed(join(dir, 'edge-text-cell.csv'))),
    {
      code: 'data-dtype',
      message: 'x: line 3, column 2 is not a number',
    },
  );
});

test('a ragged row in a file an evaluation reads by rows: refused before any chunk runs, with its line', async () => {
  const path = join(dir, 'ragged-x.csv');
  const lines = readFileSync(join(dir, 'x-comma.csv'), 'utf8').split('\n');
  lines[600] = lines[600].split(',').slice(1).join(',');
  writeFileSync(path, lines.join('\n'));
  await assert.rejects(evaluateFiles(path, join(dir, 'y.csv')), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.message, `x (${path}): line 601: a row has a different number of columns than the first row`);
    return true;
  });
});

function selection(steps: ColumnSelection['steps'], header = true, series = false): ColumnSelection {
  return { header, steps, series, line: 3 };
}

test('the columns code picks with pandas: streamed, each pick equals the whole read', () => {
  const path = join(dir, 'picked.csv');
  py(
    `rng = np.random.default_rng(8)
df = pd.DataFrame(rng.uniform(-5, 5, (300, 6)).round(3), columns=['id', 'a', 'b', 'c', 'd', 'label'])
df['id'] = np.arange(300)
df.loc[7, 'b'] = np.nan
df.to_csv(sys.argv[2], index=False)`,
    path,
  );
  const selections = [
    selection([{ op: 'drop', labels: ['id', 'label'] }]),
    selection([{ op: 'take', labels: ['label'] }], true, true),
    selection([{ op: 'usecols', columns: ['label', 'b', 'id'] }]),
    selection([{ op: 'take', labels: ['id'] }], true, true),
    selection([{ op: 'range', start: 1, stop: -1, step: null }]),
    selection([{ op: 'positions', positions: [-1, 0] }]),
  ];
  const indices = [299, 0, 1, 2, 150, 7, 8];
  for (const s of selections) {
    const wholePick = pickColumns(whole(path, headerReading(s)), s, 'x');
    const rows = openCsvRows(path, trusted, 'x', { header: headerReading(s), budget: budget(), block: 1000 });
    try {
      const source = csvColumnRows(rows, resolveColumns(s, columnLabels(rows.header, rows.shape[1]), 'x'));
      assert.deepEqual([...source.shape], wholePick.shape, JSON.stringify(s));
      assert.equal(source.kind, wholePick.kind, JSON.stringify(s));
      const taken = source.take(indices);
      const perRow = wholePick.shape.length === 1 ? 1 : wholePick.shape[1];
      assert.deepEqual(
        [...taken.data],
        indices.flatMap((r) => [...wholePick.data.subarray(r * perRow, (r + 1) * perRow)]),
        JSON.stringify(s),
      );
      assert.deepEqual(taken.shape, [indices.length, ...wholePick.shape.slice(1)]);
    } finally {
      rows.close();
    }
  }
});

test('columns picked for x and y out of one file: the evaluation reads it by rows and equals the whole read', async () => {
  const path = join(dir, 'xy.csv');
  py(
    `x = np.load(sys.argv[1] + '/x.npy')
y = np.load(sys.argv[1] + '/y.npy')
df = pd.DataFrame(x, columns=[f'v{i}' for i in range(x.shape[1])])
df.insert(0, 'id', np.arange(len(df)))
df['label'] = y[:, 0]
df.to_csv(sys.argv[2], index=False)`,
    path,
  );
  const columns = {
    x: selection([{ op: 'drop', labels: ['id', 'label'] }]),
    y: selection([{ op: 'take', labels: ['label'] }], true, true),
  };
  const fromRows = await runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: model, training },
      samplesShown: 7,
      data: { source: 'file', x: path, y: path, columns },
      access: trusted,
    },
    ctx,
  );
  const fromNpy = await evaluateFiles(join(dir, 'x.npy'), join(dir, 'y.npy'));
  // Targets as a Series (shape (650,)) against the output (650, 1): Keras squeezes, the losses are the same.
  assertSameEvaluation(fromRows, fromNpy);
  assert.match(fromRows.data.description, /xy\.csv \(every column but id, label\)/);
});

test('a CSV whose whole read passes the memory cap is evaluated by rows within it', async () => {
  const samples = 4000;
  const steps = 40;
  const features = 4;
  const x = join(dir, 'big-x.csv');
  const npy = join(dir, 'big-x.npy');
  py(
    `rng = np.random.default_rng(9)
x = rng.uniform(-1, 1, (${samples}, ${steps * features}))
np.save(sys.argv[3], x)
np.savetxt(sys.argv[2], x, delimiter=',')
np.savetxt(sys.argv[4], rng.uniform(0, 1, (${samples}, 1)))`,
    x,
    npy,
    join(dir, 'big-y.csv'),
  );
  const capMB = 200;
  const size = readFileSync(x).length;
  assert.ok(size * CSV_PARSE_FACTOR > capMB * 1024 * 1024, `the file's ${size} bytes, parsed whole, pass the cap`);
  // Rows as they are in the file (no reshape), so the source the evaluation reads is the file's own.
  const bigModel = sequential([steps * features], [layer('Dense', { units: 8 }), layer('Dense', { units: 1 })]);
  // Read whole (as training reads it), the file is refused before it is read.
  assert.throws(
    () =>
      loadData({ source: 'file', x }, buildGraph(bigModel), {
        seed: 1,
        budget: new MemoryBudget(capMB),
        nanPolicy: 'report',
        access: trusted,
        dimensions: {},
      }),
    (e: unknown) => e instanceof DataError && e.code === 'memory-cap' && /bytes of text, parsed/.test(e.message),
  );
  const session = fileSession(bigModel, { loss: 'mse' }, { x, y: join(dir, 'big-y.csv') }, { memoryCapMB: capMB });
  try {
    // What the data holds is a block of text per file and the rows' offsets (8 bytes a row), not the file.
    const offsets = (rows: number) => 2 ** Math.ceil(Math.log2(rows + 1)) * 8;
    const ySize = readFileSync(join(dir, 'big-y.csv')).length;
    assert.equal(session.plan.data, (CSV_BLOCK + Math.min(ySize, CSV_BLOCK)) * CSV_PARSE_FACTOR + 2 * offsets(samples));
    assert.ok(session.plan.data * 10 < size * CSV_PARSE_FACTOR, `the data holds ${session.plan.data} bytes`);
    assert.ok(session.plan.total <= capMB * 1024 * 1024);
    evaluate(session, { shown: [0], caps: { samples: 4, timesteps: 64, features: 64 }, recordLayers: false });
    const rows = session.data.x[0];
    const largestRead = 'largestRead' in rows && typeof rows.largestRead === 'number' ? rows.largestRead : Infinity;
    assert.ok(largestRead * samples < size * session.plan.chunk * 1.01, `read ${largestRead} bytes at once`);
  } finally {
    session.dispose();
  }
  const run = (file: string) =>
    runTask(
      {
        kind: 'evaluate',
        model: { name: 'm', config: bigModel, training: { loss: 'mse' } },
        samplesShown: 3,
        memoryCapMB: capMB,
        data: { source: 'file', x: file, y: join(dir, 'big-y.csv') },
        access: trusted,
      },
      ctx,
    );
  assertSameEvaluation(await run(x), await run(npy));
});

test('header=None: every row is data, and the columns are numbered', () => {
  const path = join(dir, 'numbered.csv');
  py(`np.savetxt(sys.argv[2], np.random.default_rng(3).integers(0, 9, (40, 5)), fmt='%d', delimiter=',')`, path);
  const s = selection(
    [
      { op: 'usecols', columns: [4, 0, 2] },
      { op: 'range', start: null, stop: -1, step: null },
    ],
    false,
  );
  const wholePick = pickColumns(whole(path, 'none'), s, 'x');
  const rows = openCsvRows(path, trusted, 'x', { header: 'none', budget: budget(), block: 16 });
  try {
    const source = csvColumnRows(rows, resolveColumns(s, columnLabels(rows.header, rows.shape[1]), 'x'));
    assert.equal(source.kind, 'int');
    assert.deepEqual(source.take(all(40)), { ...wholePick, shape: [40, 2] });
  } finally {
    rows.close();
  }
});

test('a row larger than what the task has left to read it is refused with its line, before csv-parse holds it', () => {
  const path = join(dir, 'long-row.csv');
  const long = Array.from({ length: 5_000 }, (_, i) => (i / 7).toFixed(18)).join(',');
  writeFileSync(path, `1,2\n${long}\n`);
  const tight = new MemoryBudget(1);
  assert.throws(
    () => openCsvRows(path, trusted, 'x', { header: 'auto', budget: tight, block: 1024 }),
    (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'memory-cap');
      assert.match(
        e.message,
        /^x: line 2: a row whose cells hold more than 31\.5 KiB of text needs more than the 1008 KiB the task has left/,
      );
      return true;
    },
  );
  // With room for it, the same file reads (and its second row is ragged, as the whole read says).
  assert.deepEqual(
    outcome(() => streamed(path)),
    outcome(() => whole(path)),
  );
});
