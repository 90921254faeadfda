/**
 * The real-world score's bookkeeping: the ratchet against the baseline and the relative
 * error must flag exactly what got worse (the score test relies on them to fail).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareWithBaseline, type Keys } from './report';
import { relativeError } from './score';
import { keptLines, runnableProblem } from './integrity';

const keys = (over: Partial<Keys>): Keys => ({
  modelsFound: [],
  verdictsAgree: [],
  lossMaskAgree: [],
  evaluationsRan: [],
  evaluationsWithinTolerance: [],
  internalErrorFiles: [],
  ...over,
});

test('the ratchet reports what was right and is not any more, and new internal errors', () => {
  const base = keys({
    modelsFound: ['a#model', 'b#model'],
    verdictsAgree: ['a#model/lstm'],
    internalErrorFiles: ['c'],
  });
  const now = keys({
    modelsFound: ['a#model', 'd#model'],
    verdictsAgree: ['a#model/lstm'],
    internalErrorFiles: ['c', 'e'],
  });
  const { worse, better } = compareWithBaseline(now, base);
  assert.deepEqual(worse, [
    'modelsFound: b#model was right in the baseline and is not now',
    'internal error in e, which had none in the baseline',
  ]);
  assert.deepEqual(better, ['modelsFound: d#model']);
});

test('the ratchet passes a run equal to or better than the baseline', () => {
  const base = keys({ evaluationsWithinTolerance: ['a#model'], internalErrorFiles: ['c'] });
  assert.deepEqual(compareWithBaseline(base, base).worse, []);
  const better = keys({ evaluationsWithinTolerance: ['a#model', 'b#model:1'] });
  assert.deepEqual(compareWithBaseline(better, base), {
    worse: [],
    better: ['evaluationsWithinTolerance: b#model:1', 'no more internal error in c'],
  });
});

test('relative error: NaN equals NaN, a finite loss against NaN is infinitely wrong', () => {
  assert.equal(relativeError(1.5, 1.5), 0);
  assert.equal(relativeError(1.0, 2.0), 0.5);
  assert.equal(relativeError(NaN, NaN), 0);
  assert.equal(relativeError(1.0, NaN), Infinity);
  assert.equal(relativeError(Infinity, Infinity), 0);
});

test('a runnable copy may leave lines out and add fenced blocks, nothing else', () => {
  const source = 'import keras\nx = load()\nmodel = keras.Sequential()\nmodel.fit(x)\n';
  assert.equal(
    runnableProblem(source, 'import keras\n# <<< replaced: data\nx = synthetic()\n# >>>\nmodel = keras.Sequential()\n'),
    null,
  );
  assert.match(
    runnableProblem(source, 'import keras\nmodel = keras.Sequential(name="m")\n') ?? '',
    /line 2 is neither in a fenced block/,
  );
  assert.match(runnableProblem(source, 'model = keras.Sequential()\nimport keras\n') ?? '', /line 2/);
  assert.throws(() => keptLines('# <<< a\n# <<< b\n# >>>\n'), /opens inside/);
  assert.match(runnableProblem(source, '# <<< never closed\n') ?? '', /never closed/);
});
