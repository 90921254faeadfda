/**
 * The user's own metrics at run time, beyond the goldens (custom_metrics_* replay Keras' numbers):
 * a Metric subclass sees Keras' batches one at a time, the result says what the chosen Keras
 * passes it, and a metric MaskLens cannot translate or show is left out with its line while the
 * loss and the other metrics are computed.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { evaluateResultSchema, runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { loadTf } from '../../src/worker/tf';
import { analyze, model } from '../core/helpers';
import { arr, ctx } from './helpers';

const { tf } = loadTf();

const HEAD = [
  'import numpy as np',
  'import tensorflow as tf',
  'from tensorflow import keras',
  'from tensorflow.keras import layers',
  'm = keras.Sequential([layers.Input(shape=(4,)), layers.Embedding(5, 3, mask_zero=True), layers.LSTM(2, return_sequences=True), layers.Dense(3, activation="softmax")])',
  '',
].join('\n');

// Four padded sequences and their class ids per timestep.
const X = arr([4, 4], [1, 2, 0, 0, 3, 1, 4, 0, 2, 2, 2, 2, 4, 0, 0, 0]);
const Y = arr([4, 4], [1, 2, 0, 0, 2, 1, 0, 0, 1, 1, 2, 0, 2, 0, 0, 0]);

const BATCH_MEANS = [
  'class BatchMeans(keras.metrics.Metric):',
  '    """The mean of each batch\'s hit rate: depends on how the data is batched."""',
  '    def __init__(self, name="batch_means", **kwargs):',
  '        super().__init__(name=name, **kwargs)',
  '        self.total = self.add_weight(name="total", initializer="zeros")',
  '        self.batches = self.add_weight(name="batches", initializer="zeros")',
  '    def update_state(self, y_true, y_pred, sample_weight=None):',
  '        hits = tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)',
  '        if sample_weight is None:',
  '            self.total.assign_add(tf.reduce_mean(hits))',
  '        else:',
  '            weight = tf.cast(sample_weight, tf.float32)',
  '            self.total.assign_add(tf.reduce_sum(hits * weight) / tf.reduce_sum(weight))',
  '        self.batches.assign_add(1.0)',
  '    def result(self):',
  '        return self.total / self.batches',
  '',
].join('\n');

async function evaluateWith(source: string, rows: number[], family: 'keras3' | 'tf-keras2' = 'keras3') {
  const a = await analyze(`${HEAD}${source}`);
  const ir = model(a, 'm').ir;
  const take = (data: ReturnType<typeof arr>) => {
    const per = data.values.length / data.shape[0];
    return arr(
      [rows.length, ...data.shape.slice(1)],
      rows.flatMap((r) => data.values.slice(r * per, (r + 1) * per)),
    );
  };
  const r = await runTask(
    { kind: 'evaluate', model: runtimeModelOf(ir), family, data: { source: 'inline', x: take(X), y: take(Y) } },
    ctx,
  );
  assert.ok(evaluateResultSchema.safeParse(r).success);
  assert.equal(r.kind, 'evaluate');
  if (r.kind !== 'evaluate') throw new Error('not an evaluate result');
  return r;
}

test("a Metric subclass sees Keras' batches one at a time: its states carry over, its update sees one batch", async () => {
  const compile = "m.compile('adam', 'sparse_categorical_crossentropy', metrics=[BatchMeans()])";
  const value = async (rows: number[], batch: number) =>
    (await evaluateWith(`${BATCH_MEANS}${compile}\nm.evaluate(X, Y, batch_size=${batch})\n`, rows)).metrics[0].keras;
  // Batches of three: rows 0-2, then row 3 alone.
  const whole = await value([0, 1, 2, 3], 3);
  const parts = [await value([0, 1, 2], 3), await value([3], 3)];
  assert.ok(Math.abs(whole - (parts[0] + parts[1]) / 2) < 1e-6, `${whole} vs the mean of ${parts.join(', ')}`);
  assert.notEqual(await value([0, 1, 2, 3], 4), whole, 'one batch of four gives another mean than batches of 3 and 1');
});

test('the result says what the chosen Keras passes a Metric subclass and a metric function', async () => {
  const source = [
    BATCH_MEANS,
    'def token_hits(y_true, y_pred):',
    '    return tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)',
    "m.compile('adam', 'sparse_categorical_crossentropy', metrics=[BatchMeans(), token_hits])",
    '',
  ].join('\n');
  const k3 = await evaluateWith(source, [0, 1, 2, 3], 'keras3');
  const k2 = await evaluateWith(source, [0, 1, 2, 3], 'tf-keras2');
  assert.ok(
    k3.warnings.some((w) => /^Keras 3 passes no mask to metric 'batch_means'/.test(w)),
    k3.warnings.join('\n'),
  );
  assert.ok(
    k2.warnings.some((w) => /^tf-keras 2 passes the output mask to metric 'batch_means'/.test(w)),
    k2.warnings.join('\n'),
  );
  for (const r of [k3, k2])
    assert.ok(
      r.warnings.some((w) =>
        /^Keras wraps metric 'token_hits' \(a function\) in a mean weighted by the output mask/.test(w),
      ),
    );
  const batchMeans = (r: typeof k3) => r.metrics.find((m) => m.name === 'batch_means');
  assert.equal(batchMeans(k3)?.keras, batchMeans(k3)?.unmasked, 'Keras 3: every position');
  assert.equal(batchMeans(k2)?.keras, batchMeans(k2)?.masked, 'tf-keras: the mask as sample_weight');
  assert.notEqual(batchMeans(k3)?.unmasked, batchMeans(k3)?.masked, 'the padding moves this metric');
});

test('a metric MaskLens cannot translate or show is left out with its line; the loss and the rest still run', async () => {
  const source = [
    BATCH_MEANS,
    'class NumpyHits(keras.metrics.Metric):',
    '    def __init__(self, name="numpy_hits", **kwargs):',
    '        super().__init__(name=name, **kwargs)',
    '        self.total = self.add_weight(name="total", initializer="zeros")',
    '    def update_state(self, y_true, y_pred, sample_weight=None):',
    '        self.total.assign_add(np.mean(np.argmax(y_pred, axis=-1)))',
    '    def result(self):',
    '        return self.total',
    'class PerClass(keras.metrics.Metric):',
    '    def __init__(self, name="per_class", **kwargs):',
    '        super().__init__(name=name, **kwargs)',
    '        self.sums = self.add_weight(name="sums", shape=(3,), initializer="zeros")',
    '    def update_state(self, y_true, y_pred, sample_weight=None):',
    '        self.sums.assign_add(tf.reduce_sum(y_pred, axis=[0, 1]))',
    '    def result(self):',
    '        return self.sums',
    "m.compile('adam', 'sparse_categorical_crossentropy', metrics=[NumpyHits(), PerClass(), BatchMeans()])",
    '',
  ].join('\n');
  const before = tf.memory().numTensors;
  const r = await evaluateWith(source, [0, 1, 2, 3]);
  const line = `${HEAD}${source}`.split('\n').findIndex((l) => l.includes('np.mean(np.argmax')) + 1;
  assert.deepEqual(
    r.metrics.map((m) => m.name),
    ['batch_means'],
  );
  assert.ok(
    r.warnings.some(
      (w) => w.includes(`metric 'numpy_hits'`) && w.includes(`(line ${line})`) && /it is left out$/.test(w),
    ),
    r.warnings.join('\n'),
  );
  assert.ok(
    r.warnings.some((w) =>
      /metric 'per_class' \(line \d+\): result\(\) gives no single number; it is left out/.test(w),
    ),
  );
  assert.ok(r.loss && Number.isFinite(r.loss.keras.value), 'the loss is computed');
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});
