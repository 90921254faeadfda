/**
 * The reader's bounds (objects/bounds.ts) and the parser's blanking (python/blanking.ts), in
 * process: values within the bounds read exactly as before, values past them become unknown
 * for every name that holds them, and blanked regions read as the file writes them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, analyzer, layerConfig, model } from './helpers';
import { blankForParsing, MIN_COMMENT_RUN } from '../../src/core/python/blanking';

const KERAS = 'from keras import Sequential\nfrom keras.layers import Dense, Lambda\n';

async function denseUnits(body: string): Promise<unknown> {
  const a = await analyze(`${KERAS}${body}\nm = Sequential([Dense(n, name='dense')])\n`);
  return layerConfig(model(a), 'dense').units;
}

test('values within the bounds read exactly: a list doubled to 2,000 items, a string to 1,024 characters, a list holding another ten times', async () => {
  assert.equal(await denseUnits('a = [0] * 1000\na = a + a\nn = len(a)'), 2000);
  assert.equal(await denseUnits('s = "x"\nfor _ in range(10):\n    s = s + s\nn = len(s)'), 1024);
  assert.equal(await denseUnits('a = [1, 2]\nb = [a] * 10\nn = len(b) + len(b[9])'), 12);
});

test('a list grown in place past the bound becomes unknown for every name and list holding it, with one warning', async () => {
  const a = await analyze(
    `${KERAS}a = [0] * 1000\nb = a\nc = [a]\nfor _ in range(40):\n    a.extend(a)\nm = Sequential([Dense(len(b) + len(c[0]), name='dense')])\n`,
  );
  const limits = a.diagnostics.filter((d) => d.code === 'analysis-limit');
  assert.deepEqual(
    limits.map((d) => d.range.start.line),
    [6],
  );
  assert.equal(typeof layerConfig(model(a), 'dense').units, 'object', 'the units should be unresolved');
});

test('the step budget keeps the models built before the loop that spent it, and names that loop', async () => {
  const a = await analyze(
    `${KERAS}m0 = Sequential([Dense(1)])\nx = 0\nfor i in range(1000):\n    for j in range(1000):\n        x = x + 1\nm1 = Sequential([Dense(1)])\n`,
  );
  assert.deepEqual(
    a.models.map((m) => m.ir.name),
    ['m0'],
  );
  const limit = a.diagnostics.find((d) => d.code === 'analysis-limit');
  assert.ok(limit);
  assert.deepEqual(limit.range, { start: { line: 4, character: 0 }, end: { line: 4, character: 21 } });
});

test('large number literals read as written: lists, tuples, nested ones, floats, negatives; a call with many arguments is not a literal', async () => {
  const ints = Array.from({ length: 4000 }, (_, i) => String(i % 10)).join(', ');
  const floats = Array.from({ length: 3000 }, (_, i) => `${(i % 7) - 3}.5e0`).join(', ');
  assert.equal(await denseUnits(`x = [${ints}]\nn = len(x) + x[-1] + x[3]`), 4000 + 9 + 3);
  assert.equal(await denseUnits(`x = (${floats},)\nn = int(len(x) + x[2] * 2)`), 3000 + -3);
  assert.equal(await denseUnits(`x = [[${ints}], [1, 2]]\nn = len(x[0]) + len(x) + x[1][1]`), 4000 + 2 + 2);
  assert.equal(await denseUnits(`n = max(${ints})`), 9);
  const text = `x = [${ints}]\n`;
  assert.equal(blankForParsing(text).regions.length, 1);
  assert.equal(blankForParsing(text).text.length, text.length);
});

test('a long comment run is blanked without moving anything, and put back inside a docstring', async () => {
  const run = Array.from({ length: MIN_COMMENT_RUN + 4 }, (_, i) => `    # comment ${i} 😀`).join('\n');
  const text = `${KERAS}def build():\n${run}\n    return Sequential([Dense(4), Lambda(lambda t: t[:, 1:])])\nm = build()\ns = """\n${run.replace(/^ {4}/gm, '')}\n"""\nq = Sequential([Dense(1, name=s.split()[1])])\n`;
  const blanked = blankForParsing(text);
  assert.equal(blanked.text.length, text.length);
  assert.deepEqual(
    blanked.text.split('\n').map((l) => l.length),
    text.split('\n').map((l) => l.length),
  );
  const a = await analyze(text);
  assert.deepEqual(
    a.models.map((m) => m.layers.map((l) => l.name)),
    [['dense', 'lambda'], ['comment']],
  );
  const lambdaLine = text.split('\n').findIndex((l) => l.includes('Lambda(lambda'));
  assert.equal(a.models[0].layers[1].range?.start.line, lambdaLine);
});

test('an edit inside a file with blanked regions reads as the edited file read whole', async () => {
  const a = await analyzer();
  const run = Array.from({ length: 40 }, (_, i) => `    # note ${i}`).join('\n');
  const nums = Array.from({ length: 3000 }, (_, i) => String(i % 10)).join(', ');
  const before = `${KERAS}x = [${nums}]\ndef build():\n${run}\n    return Sequential([Dense(len(x))])\nm = build()\n`;
  const after = before.replace('# note 20', '# note 20 edited').replace('Dense(len(x))', 'Dense(len(x) + 1)');
  a.analyze(before, { file: 'edit-blanked.py' });
  const incremental = a.analyze(after, { file: 'edit-blanked.py' });
  const whole = a.analyze(after, { file: 'edit-blanked-whole.py' });
  assert.deepEqual(
    incremental.models.map((m) => m.ir.config),
    whole.models.map((m) => m.ir.config),
  );
  assert.equal(layerConfig(model(whole), 'dense').units, 3001);
});
