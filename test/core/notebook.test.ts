/**
 * A notebook's code cells read as one program in cell order: IPython lines kept out (and
 * named), every position mapped back to (cell, line), and the CLI's analysis of a notebook
 * naming cells; a `.keras` file analysed from its own config.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { runAnalyze } from '../../src/cli/analyze';
import { cellLabel, cellPosition, ipynbCodeCells, notebookProgram } from '../../src/core/notebook/program';
import { DataError } from '../../src/core/data/errors';

async function analyze(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAnalyze(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

test('code cells in order; magics, shell lines and foreign cell magics become pass at their indentation, lines kept', () => {
  const program = notebookProgram([
    { index: 1, text: '%matplotlib inline\nimport keras\nif True:\n    !ls\n    files = !ls\n' },
    { index: 3, text: '%%bash\necho hi\nls' },
    { index: 4, text: '%%time\nmodel = keras.Sequential()\nkeras.Sequential?' },
  ]);
  assert.equal(
    program.text,
    'pass\nimport keras\nif True:\n    pass\n    pass\n\npass\n\n\npass\nmodel = keras.Sequential()\npass\n',
  );
  assert.deepEqual(program.cells, [
    { index: 1, startLine: 0, lineCount: 6 },
    { index: 3, startLine: 6, lineCount: 3 },
    { index: 4, startLine: 9, lineCount: 3 },
  ]);
  assert.deepEqual(
    program.skipped.map((s) => `${s.cell}:${s.line} ${s.text}`),
    ['1:0 %matplotlib inline', '1:3 !ls', '1:4 files = !ls', '3:0 %%bash', '4:0 %%time', '4:2 keras.Sequential?'],
  );
  assert.deepEqual(cellPosition(program, 10), { cell: 4, line: 1 });
  assert.equal(cellLabel(program, 10), 'cell 5, line 2');
});

test('an .ipynb that is not a notebook is one sentence', () => {
  assert.throws(
    () => ipynbCodeCells({ nbformat: 4 }, 'x.ipynb'),
    (e: unknown) => e instanceof DataError && /x\.ipynb: is not a Jupyter notebook/.test(e.message),
  );
});

test("masklens analyze nb.ipynb: seed 002's Lambda diagnostic and every layer located by cell and line", async () => {
  const { code, out, err } = await analyze(['examples/seed002_notebook.ipynb']);
  assert.equal(code, 0, err);
  assert.match(out, /^model model \(sequential, cell 3, line 1\)$/m);
  assert.match(out, /^ {2}lambda +Lambda +yes +- +destroys +cell 3, line 5$/m);
  assert.match(out, /^ {2}warning lambda-drops-mask at cell 3, line 5, column 11: /m);
  assert.match(
    err,
    /^note: examples\/seed002_notebook\.ipynb: cell 2, line 1: `%matplotlib inline` is IPython, not Python; MaskLens skips it$/m,
  );
  assert.match(
    err,
    /^note: examples\/seed002_notebook\.ipynb: cell 4, line 1: `%%time` is IPython, not Python; MaskLens skips it$/m,
  );
  const json = JSON.parse((await analyze(['examples/seed002_notebook.ipynb', '--json'])).out) as {
    notebook: { cells: { index: number }[] };
    models: { name: string }[];
  };
  assert.deepEqual(
    json.notebook.cells.map((c) => c.index),
    [1, 2, 3],
  );
  assert.equal(json.models[0].name, 'model');
});

test('masklens analyze model.keras: the mask flow from the config Keras saved, and where it comes from', async () => {
  const file = join('test', 'golden', 'fixtures', 'saved', 'nested_bidirectional.tf-keras2.keras');
  assert.ok(readFileSync(file).length > 0);
  const { code, out, err } = await analyze([file, '--keras', 'tf-keras2']);
  assert.equal(code, 0, err);
  assert.equal(err, '');
  assert.match(out, /\(functional, from a \.keras archive saved by Keras 2\.21\.0\)/);
  assert.match(out, /^ {2}embedding +Embedding +- +yes +creates$/m);
  assert.match(out, /loss: mse — the mask reaches the loss/);
});
