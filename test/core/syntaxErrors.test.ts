/** A syntax error gets a diagnostic where it is, and the models it touches no confident verdict. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, codes, model } from './helpers';

const BROKEN_ADD = `from keras import Sequential
from keras.layers import Embedding, LSTM, Dense

model = Sequential()
model.add(Embedding(100, 8, mask_zero=True))
model.add(LSTM(16, return_sequences=True)
model.add(Dense(1))
model.compile('adam', 'mse')
`;

test('an unclosed bracket in model.add: an error at that line, and the model marked incomplete with an unknown verdict', async () => {
  const a = await analyze(BROKEN_ADD);
  const syntax = a.diagnostics.filter((d) => d.code === 'syntax-error');
  assert.equal(syntax.length >= 1, true, JSON.stringify(a.diagnostics));
  assert.equal(syntax[0].severity, 'error');
  assert.equal(syntax[0].range.start.line, 5, JSON.stringify(syntax[0]));
  const m = model(a, 'model');
  assert.match(m.incomplete ?? '', /syntax error at line 6/);
  assert.equal(m.lossMasked, 'unknown');
  assert.equal(codes(m.diagnostics)[0], 'model-incomplete');
});

test('a syntax error elsewhere leaves a model it does not touch alone', async () => {
  const a = await analyze(`from keras import Sequential
from keras.layers import Embedding, LSTM, Dense

model = Sequential([Embedding(100, 8, mask_zero=True), LSTM(16, return_sequences=True), Dense(1)])
model.compile('adam', 'mse')

def report(:
    pass
`);
  assert.ok(
    a.diagnostics.some((d) => d.code === 'syntax-error' && d.range.start.line >= 6),
    JSON.stringify(a.diagnostics),
  );
  const m = model(a, 'model');
  assert.equal(m.incomplete, undefined);
  assert.equal(m.lossMasked, 'yes');
});

test('a file without syntax errors has no syntax diagnostics', async () => {
  const a = await analyze(BROKEN_ADD.replace('return_sequences=True)\n', 'return_sequences=True))\n'));
  assert.deepEqual(
    a.diagnostics.filter((d) => d.code === 'syntax-error'),
    [],
  );
  assert.equal(model(a, 'model').incomplete, undefined);
});
