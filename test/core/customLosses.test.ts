/**
 * The user's own losses and compiled metrics as the reader takes them from compile(): the
 * loss translated with its constants folded (closures, functools.partial, a Loss subclass's
 * attributes), what cannot be translated located, and metrics= / weighted_metrics= as written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaExpr } from '../../src/core/ir';
import { sourceData } from '../../src/core/data/sourceData';
import { analyze, model } from './helpers';

const HEAD = [
  'import functools',
  'import tensorflow as tf',
  'from tensorflow import keras',
  'from tensorflow.keras import layers',
  'm = keras.Sequential([layers.Input(shape=(6,)), layers.Embedding(6, 4, mask_zero=True), layers.LSTM(3, return_sequences=True), layers.Dense(1)])',
  '',
].join('\n');

async function training(source: string) {
  const a = await analyze(`${HEAD}${source}`);
  return { training: model(a, 'm').ir.training, diagnostics: a.ir.diagnostics, text: `${HEAD}${source}` };
}

/** Every constant the expression holds. */
function constants(e: LambdaExpr, into: unknown[] = []): unknown[] {
  switch (e.op) {
    case 'const':
      into.push(e.value);
      return into;
    case 'binary':
      constants(e.left, into);
      return constants(e.right, into);
    case 'unary':
    case 'isNone':
      return constants(e.operand, into);
    case 'call':
      e.args.forEach((a) => constants(a, into));
      return into;
    case 'slice':
      return constants(e.target, into);
    case 'cond':
      [e.test, e.then, e.else].forEach((x) => constants(x, into));
      return into;
    default:
      return into;
  }
}

test('a def loss is translated with its two parameters and the module constant folded', async () => {
  const { training: t } = await training(
    [
      'PAD = -1.0',
      'def masked_mse(y_true, y_pred):',
      '    mask = tf.cast(tf.not_equal(y_true, PAD), tf.float32)',
      '    return tf.reduce_sum(tf.square(y_true - y_pred) * mask) / tf.reduce_sum(mask)',
      "m.compile('adam', loss=masked_mse)",
      '',
    ].join('\n'),
  );
  assert.equal(t.loss, 'masked_mse');
  assert.equal(t.customLoss?.kind, 'function');
  assert.deepEqual(t.customLoss?.fn?.params, ['y_true', 'y_pred']);
  assert.ok(t.customLoss?.fn && constants(t.customLoss.fn.body).includes(-1), 'PAD folds to -1');
});

test('a closure keeps the factory argument, functools.partial its keywords', async () => {
  const closure = await training(
    [
      'def make_loss(pad):',
      '    def loss(y_true, y_pred):',
      '        return tf.reduce_mean(tf.square(y_true - y_pred) * tf.cast(tf.not_equal(y_true, pad), tf.float32))',
      '    return loss',
      "m.compile('adam', loss=make_loss(-7.0))",
      '',
    ].join('\n'),
  );
  assert.ok(
    closure.training.customLoss?.fn && constants(closure.training.customLoss.fn.body).includes(-7),
    'the closure variable folds to -7',
  );
  const partial = await training(
    [
      'def loss(y_true, y_pred, pad=-1.0):',
      '    return tf.reduce_mean(tf.abs(y_true - y_pred) * tf.cast(tf.not_equal(y_true, pad), tf.float32))',
      "m.compile('adam', loss=functools.partial(loss, pad=-9.0))",
      '',
    ].join('\n'),
  );
  const body = partial.training.customLoss?.fn?.body;
  assert.ok(
    body && constants(body).includes(-9) && !constants(body).includes(-1),
    'the partial keyword replaces the default',
  );
  assert.deepEqual(partial.training.customLoss?.fn?.params, ['y_true', 'y_pred']);
});

test('a keras.losses.Loss subclass: its call, self attributes folded, named as Keras names it', async () => {
  const { training: t } = await training(
    [
      'class MaskedMAE(keras.losses.Loss):',
      '    def __init__(self, pad=-1.0):',
      '        super().__init__()',
      '        self.pad = pad',
      '    def call(self, y_true, y_pred):',
      '        mask = tf.cast(tf.not_equal(y_true, self.pad), tf.float32)',
      '        return tf.reduce_mean(tf.abs(y_true - y_pred) * mask, axis=-1)',
      "m.compile('adam', loss=MaskedMAE(pad=-3.0))",
      '',
    ].join('\n'),
  );
  assert.equal(t.customLoss?.kind, 'loss-class');
  assert.equal(t.loss, 'masked_mae');
  assert.ok(t.customLoss?.fn && constants(t.customLoss.fn.body).includes(-3));
});

test('a Keras loss object called inside becomes keras_loss with its options', async () => {
  const { training: t } = await training(
    [
      "obj = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction='none')",
      'def loss_function(real, pred):',
      '    mask = tf.cast(tf.math.logical_not(tf.math.equal(real, 0)), tf.float32)',
      '    return tf.reduce_mean(obj(real, pred) * mask)',
      "m.compile('adam', loss=loss_function)",
      '',
    ].join('\n'),
  );
  const text = JSON.stringify(t.customLoss?.fn?.body);
  assert.match(text, /"fn":"keras_loss"/);
  assert.match(text, /"loss":"SparseCategoricalCrossentropy"/);
  assert.match(text, /"from_logits":true/);
  assert.match(text, /"reduction":"none"/);
});

test('what cannot be translated is one located message naming the construct', async () => {
  const {
    training: t,
    diagnostics,
    text,
  } = await training(
    [
      'def odd_loss(y_true, y_pred):',
      '    while True:',
      '        pass',
      '    return y_pred',
      "m.compile('adam', loss=odd_loss)",
      '',
    ].join('\n'),
  );
  assert.equal(t.customLoss?.fn, null);
  const problem = t.customLoss?.problem;
  assert.ok(problem);
  assert.match(problem.message, /loss 'odd_loss'/);
  assert.match(problem.message, /while/);
  assert.equal(text.split('\n')[problem.range.start.line].trim(), 'while True:');
  assert.ok(
    diagnostics.some((d) => d.message === problem.message),
    'reported as a diagnostic',
  );
});

test('metrics= and weighted_metrics= are read as written (names and metric objects)', async () => {
  const { training: t } = await training(
    "m.compile('adam', 'mse', metrics=['accuracy', keras.metrics.SparseTopKCategoricalAccuracy(k=2)], weighted_metrics=['mae'])\n",
  );
  assert.deepEqual(t.weightedMetrics, ['mae']);
  assert.ok(Array.isArray(t.metrics));
  assert.equal(t.metrics[0], 'accuracy');
  assert.deepEqual(t.metrics[1], {
    module: 'keras.metrics',
    class_name: 'SparseTopKCategoricalAccuracy',
    config: { k: 2 },
    registered_name: null,
  });
});

test('evaluate(..., sample_weight=w) in the source: the weights travel with the data, per timestep as written', async () => {
  const a = await analyze(
    `${HEAD}import numpy as np\nx = np.array([[1, 2, 0, 0, 0, 0]])\ny = np.zeros((1, 6, 1))\nw = np.array([[1.0, 0.5, 0.0, 0.0, 0.0, 0.0]])\nm.compile('adam', 'mse')\nm.evaluate(x, y, sample_weight=w)\n`,
  );
  const ir = model(a, 'm').ir;
  const { data, notes } = sourceData(a, ir, 'f.py');
  assert.deepEqual(notes, []);
  assert.ok(data?.sampleWeight && 'expr' in data.sampleWeight, 'the sample weights are read');
  assert.match(data.description ?? '', /sample_weight=w/);
});
