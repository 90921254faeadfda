/**
 * fit(class_weight=...) where Keras fails or weights per timestep: the shapes follow what the
 * golden run recorded (test/golden/fixtures/index.json: class_weight_tagger raised in Keras 3
 * and ran in tf-keras); the weights themselves are checked against Keras' training steps in
 * test/golden/runtime.test.ts (class_weight_classifier, class_weight_tagger).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { UserFacingError } from '../../src/core/protocol/task';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { analyze, model } from '../core/helpers';
import { arr, ctx } from './helpers';
import { classWeights, classWeightShape } from '../../src/worker/classWeights';
import { loadTf } from '../../src/worker/tf';

interface IndexRow {
  kind: string;
  case: string;
  family: string;
  fixture: string | null;
  skipped?: string;
}

const index = JSON.parse(readFileSync(join('test', 'golden', 'fixtures', 'index.json'), 'utf8')) as {
  runtime: IndexRow[];
};
const row = (family: string) => index.runtime.find((r) => r.case === 'class_weight_tagger' && r.family === family);

test('(batch, time, 1) targets: Keras 3 fails as recorded, tf-keras weights each timestep', () => {
  assert.match(row('keras3')?.skipped ?? '', /TypeError: only 0-dimensional arrays/);
  assert.ok(row('tf-keras2')?.fixture, 'tf-keras ran the tagger with class_weight');
  assert.throws(
    () => classWeightShape('keras3', [3, 6, 1], [6, 3], false),
    (e: unknown) => e instanceof UserFacingError && /Keras 3\.15\.1 fails on class_weight.*TypeError/.test(e.message),
  );
  assert.equal(classWeightShape('tf-keras2', [3, 6, 1], [6, 3], false), 'timestep');
  for (const family of ['keras3', 'tf-keras2'] as const) {
    assert.equal(classWeightShape(family, [3, 1], [3], false), 'sample');
    assert.equal(classWeightShape(family, [3, 4], [4], false), 'sample');
    assert.throws(() => classWeightShape(family, [3, 6], [6, 3], false), UserFacingError);
    assert.throws(() => classWeightShape(family, [3, 1], [3], true), UserFacingError);
  }
});

test('each sample or timestep weighs what its class does; one-hot targets by argmax; unlisted classes weigh 1', () => {
  const { tf } = loadTf();
  const cw = { '0': 1, '1': 3, '2': 0.5 };
  const sparse = classWeights(tf, 'keras3', tf.tensor([[2], [1], [7]]), [3], cw, false);
  assert.deepEqual(Array.from(sparse.dataSync()), [0.5, 3, 1]);
  const oneHot = classWeights(
    tf,
    'tf-keras2',
    tf.tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]),
    [3],
    cw,
    false,
  );
  assert.deepEqual(Array.from(oneHot.dataSync()), [3, 1]);
  const steps = classWeights(
    tf,
    'tf-keras2',
    tf.tensor([
      [[0], [2]],
      [[1], [1]],
    ]),
    [2, 3],
    cw,
    false,
  );
  assert.deepEqual(steps.shape, [2, 2]);
  assert.deepEqual(Array.from(steps.dataSync()), [1, 0.5, 3, 3]);
});

const TAGGER = [
  'import keras',
  'from keras import layers',
  "m = keras.Sequential([layers.Input((4,)), layers.Embedding(6, 4, mask_zero=True), layers.LSTM(5, return_sequences=True), layers.Dense(3, activation='softmax')])",
  "m.compile('sgd', 'sparse_categorical_crossentropy')",
  'm.fit(x, y, class_weight={0: 1.0, 1: 3.0, 2: 0.5})',
  '',
].join('\n');

test('fit(class_weight=...) is read from the source; training applies it as the chosen Keras does, or says Keras fails', async () => {
  const rm = runtimeModelOf(model(await analyze(TAGGER), 'm').ir);
  assert.deepEqual(rm.training?.classWeight, { '0': 1, '1': 3, '2': 0.5 });
  const data = {
    source: 'inline' as const,
    x: arr([2, 4], [1, 2, 0, 0, 3, 4, 5, 0]),
    y: arr([2, 4, 1], [0, 1, 2, 2, 1, 1, 0, 0]),
  };
  const request = {
    kind: 'train' as const,
    model: rm,
    data,
    epochs: 1,
    batchSize: 2,
    shuffle: false,
    optimizer: 'sgd',
  };
  const trained = await runTask({ ...request, family: 'tf-keras2' }, ctx);
  assert.equal(trained.kind, 'train');
  if (trained.kind !== 'train') return;
  assert.ok(
    trained.warnings.some((w) =>
      /class_weight \{0: 1, 1: 3, 2: 0\.5\} weights each timestep by its target's class, under the mask/.test(w),
    ),
    trained.warnings.join('\n'),
  );
  await assert.rejects(
    runTask({ ...request, family: 'keras3' }, ctx),
    (e: unknown) =>
      e instanceof UserFacingError &&
      /Keras 3\.15\.1 fails on class_weight with targets of shape \(batch, 4, 1\)/.test(e.message),
  );
});
