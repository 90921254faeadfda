/**
 * The user's own losses and compiled metrics at run time, beyond the goldens: a loss that
 * could not be translated is refused with its located reason, what the result says about
 * Keras' mask for each kind of loss, Keras' failure for a per-sample loss under a
 * per-timestep mask, tf.boolean_mask, and a metric MaskLens does not know.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { UserFacingError } from '../../src/core/protocol/task';
import { evaluateResultSchema, runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { loadTf } from '../../src/worker/tf';
import { analyze, model } from '../core/helpers';
import { arr, ctx } from './helpers';

const { tf } = loadTf();

const HEAD = [
  'import tensorflow as tf',
  'from tensorflow import keras',
  'from tensorflow.keras import layers',
  'm = keras.Sequential([layers.Input(shape=(4,)), layers.Embedding(5, 3, mask_zero=True), layers.LSTM(2, return_sequences=True), layers.Dense(1)])',
  '',
].join('\n');

const X = arr([2, 4], [1, 2, 0, 0, 3, 1, 4, 0]);
const Y = arr([2, 4, 1], [0.5, -0.5, -1, -1, 1, 0.25, 2, -1]);

async function evaluateWith(source: string, metrics = '') {
  const a = await analyze(`${HEAD}${source}\nm.compile('adam', loss=loss${metrics})\n`);
  const ir = model(a, 'm').ir;
  return runTask({ kind: 'evaluate', model: runtimeModelOf(ir), data: { source: 'inline', x: X, y: Y } }, ctx);
}

test('a loss returning one number: every reduction is that number, and the result says the mask cannot reach it', async () => {
  const before = tf.memory().numTensors;
  const r = await evaluateWith(
    [
      'def loss(y_true, y_pred):',
      '    mask = tf.cast(tf.not_equal(y_true, -1.0), tf.float32)',
      '    return tf.reduce_sum(tf.square(y_true - y_pred) * mask) / tf.reduce_sum(mask)',
    ].join('\n'),
  );
  assert.ok(evaluateResultSchema.safeParse(r).success);
  assert.equal(r.kind, 'evaluate');
  if (r.kind !== 'evaluate') return;
  assert.equal(r.perTimestepLoss, null);
  assert.ok(r.lossValues);
  assert.equal(r.lossValues.none, r.lossValues['valid-mean']);
  assert.ok(
    r.warnings.some((w) => /returns one number per batch, so Keras' mask cannot reach it/.test(w)),
    r.warnings.join('\n'),
  );
  assert.equal(tf.memory().numTensors, before);
});

test('a per-position loss that masks itself: Keras masks it again (double masking), and tf.boolean_mask runs', async () => {
  const r = await evaluateWith(
    [
      'def loss(y_true, y_pred):',
      '    mask = tf.cast(tf.not_equal(y_true, -1.0), tf.float32)',
      '    return tf.reduce_mean(tf.abs(y_true - y_pred) * mask, axis=-1)',
    ].join('\n'),
  );
  assert.ok(r.kind === 'evaluate' && r.warnings.some((w) => /double masking/.test(w)), r.warnings.join('\n'));
  const b = await evaluateWith(
    [
      'def loss(y_true, y_pred):',
      '    keep = tf.not_equal(y_true, -1.0)',
      '    return tf.reduce_mean(tf.boolean_mask(tf.square(y_true - y_pred), keep))',
    ].join('\n'),
  );
  const s = await evaluateWith(
    [
      'def loss(y_true, y_pred):',
      '    mask = tf.cast(tf.not_equal(y_true, -1.0), tf.float32)',
      '    return tf.reduce_sum(tf.square(y_true - y_pred) * mask) / tf.reduce_sum(mask)',
    ].join('\n'),
  );
  assert.ok(b.kind === 'evaluate' && s.kind === 'evaluate' && b.lossValues && s.lossValues);
  // Mean over the kept entries equals sum over mask / sum of mask.
  assert.ok(Math.abs(b.lossValues.none - s.lossValues.none) < 1e-6, `${b.lossValues.none} vs ${s.lossValues.none}`);
});

test('a loss per sample under a per-timestep mask: Keras fails, and so does the task, saying why', async () => {
  await assert.rejects(
    evaluateWith(
      ['def loss(y_true, y_pred):', '    return tf.reduce_mean(tf.square(y_true - y_pred), axis=[1, 2])'].join('\n'),
    ),
    (e: unknown) =>
      e instanceof UserFacingError && e.code === 'keras-incompatible-shapes' && /Keras fails here/.test(e.message),
  );
});

test('a loss that could not be translated is refused with its reason and line', async () => {
  await assert.rejects(
    evaluateWith(
      ['def loss(y_true, y_pred):', '    for i in range(len(y_true)):', '        pass', '    return y_pred'].join('\n'),
    ),
    (e: unknown) =>
      e instanceof UserFacingError &&
      e.code === 'loss-unsupported' &&
      /loss 'loss'/.test(e.message) &&
      /\(line 6\)/.test(e.message),
  );
});

test('a compiled metric MaskLens cannot compute is named and left out; the others and the loss stay', async () => {
  const r = await evaluateWith(
    'def loss(y_true, y_pred):\n    return tf.square(y_true - y_pred)',
    ", metrics=[keras.metrics.AUC(multi_label=True), 'mae']",
  );
  assert.equal(r.kind, 'evaluate');
  if (r.kind !== 'evaluate') return;
  assert.deepEqual(
    r.metrics.map((m) => m.name),
    ['mae'],
  );
  assert.ok(
    r.warnings.some((w) => /metric 'auc' \(AUC\) is not computed: multi_label=True .*left out/.test(w)),
    r.warnings.join('\n'),
  );
  assert.ok(r.lossValues);
});

test("train minimises the user's loss; epochs report it per batch as Keras does", async () => {
  const a = await analyze(
    `${HEAD}def loss(y_true, y_pred):\n    mask = tf.cast(tf.not_equal(y_true, -1.0), tf.float32)\n    return tf.reduce_sum(tf.square(y_true - y_pred) * mask) / tf.reduce_sum(mask)\nm.compile('sgd', loss=loss)\n`,
  );
  const ir = model(a, 'm').ir;
  const r = await runTask(
    {
      kind: 'train',
      model: runtimeModelOf(ir),
      data: { source: 'inline', x: X, y: Y },
      epochs: 2,
      batchSize: 1,
      shuffle: false,
      optimizer: 'sgd',
    },
    ctx,
  );
  assert.equal(r.kind, 'train');
  if (r.kind !== 'train') return;
  assert.equal(r.stopped.reason, 'completed');
  assert.equal(r.history.length, 2);
  assert.equal(r.loss, 'loss');
  for (const h of r.history)
    assert.ok(
      Number.isFinite(h.train.masked) && h.train.masked === h.train.unmasked,
      'a number per batch: masked and unmasked are the same',
    );
});

test('a loss that fails half way through says what TensorFlow refused, and leaves no tensors behind', async () => {
  const source = [
    'def loss(y_true, y_pred):',
    '    a = tf.square(y_true - y_pred)',
    '    b = tf.reduce_sum(a, axis=1)',
    '    return b + tf.reduce_sum(a, axis=0)',
  ].join('\n');
  await evaluateWith(source).catch(() => undefined); // warm: kernels and the model's first tensors
  const before = tf.memory().numTensors;
  await assert.rejects(
    evaluateWith(source),
    (e: unknown) =>
      e instanceof Error &&
      /^loss 'loss' \(line 9\): \+ failed on operands of shapes \(2, 1\) and \(4, 1\): Incompatible shapes: \[2,1\] vs\. \[4,1\]$/.test(
        e.message,
      ),
  );
  assert.equal(tf.memory().numTensors, before);
});
