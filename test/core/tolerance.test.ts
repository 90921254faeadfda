import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { diffEdit } from '../../src/core/analysis/analyzer';
import { toAnalysisJson } from '../../src/core/analysis/json';
import { analyze, analyzer, model, names } from './helpers';

test('a syntax error elsewhere in the file does not hide the models', async () => {
  const text = `import keras\nfrom keras import layers\n\ndef broken(:\n    return (1, 2\n\nm = keras.Sequential([layers.Masking(input_shape=(5, 2)), layers.LSTM(3, return_sequences=True)])\nm.compile('adam', 'mse')\n\nprint("unterminated\nx = = 3\n`;
  const a = await analyze(text);
  assert.deepEqual(names(model(a, 'm')), [
    ['InputLayer', 'input_layer'],
    ['Masking', 'masking'],
    ['LSTM', 'lstm'],
  ]);
  assert.equal(model(a, 'm').loss, 'mse');
});

test('an unfinished line (being typed) keeps the models before it', async () => {
  const text = `import keras\nfrom keras import layers\nm = keras.Sequential()\nm.add(layers.Embedding(10, 4, mask_zero=True, input_shape=(6,)))\nm.add(layers.LSTM(3, return_sequ`;
  const m = model(await analyze(text), 'm');
  assert.deepEqual(names(m).slice(0, 2), [
    ['InputLayer', 'input_layer'],
    ['Embedding', 'embedding'],
  ]);
});

test('incremental re-analysis gives the same result as a fresh one', async () => {
  const a = await analyzer();
  const original = readFileSync('examples/seed002_lambda_drops_mask.py', 'utf8');
  const edits = [
    original.replace('LSTM(64', 'LSTM(32'),
    original.replace(
      'model.add(Lambda(lambda x: x[:, N:, :]))',
      'model.add(Lambda(lambda x: x[:, N:, :], mask=lambda i, m: m[:, N:]))',
    ),
    original.replace('N = 5', 'N = 7'),
    `${original}\nmodel.add(Dense(1))\n`,
    original.slice(0, original.length / 2),
    original,
  ];
  a.analyze(original, { file: 'incremental.py' });
  for (const text of edits) {
    const incremental = toAnalysisJson(a.analyze(text, { file: 'incremental.py' }));
    const fresh = toAnalysisJson(a.analyze(text, { file: `fresh-${Math.random()}.py` }));
    assert.deepEqual({ ...incremental, file: '' }, { ...fresh, file: '' });
  }
});

test('diffEdit finds the changed span with UTF-16 columns', () => {
  const e = diffEdit('a = "é"\nb = 1\n', 'a = "é"\nb = 22\n');
  assert.ok(e);
  assert.equal(e.startIndex, 12);
  assert.deepEqual(e.startPosition, { row: 1, column: 4 });
  assert.deepEqual(e.oldEndPosition, { row: 1, column: 5 });
  assert.deepEqual(e.newEndPosition, { row: 1, column: 6 });
  assert.equal(diffEdit('same', 'same'), null);
});

test('ranges count UTF-16 code units, as VS Code does', async () => {
  const text = `import keras\nfrom keras import layers\nlabel = "😀"; m = keras.Sequential([layers.Masking(input_shape=(3, 2)), layers.Flatten()])\n`;
  const m = model(await analyze(text), 'm');
  const flatten = m.layers.find((l) => l.name === 'flatten');
  assert.equal(flatten?.range.start.character, text.split('\n')[2].indexOf('layers.Flatten()'));
});
