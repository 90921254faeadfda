/**
 * The user's own metrics as the reader takes them from compile(metrics=, weighted_metrics=): a
 * function translated like a loss, a Metric subclass's states, update_state (its assign_add /
 * assign_sub / assign, under a run-time test on sample_weight), result and reset_state, its name,
 * and what cannot be translated located at the line (numpy inside Keras' compiled step, a loop
 * over a tensor, an unknown op) while the other metrics stay.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaExpr } from '../../src/core/ir';
import { analyze, model } from './helpers';

const HEAD = [
  'import numpy as np',
  'import tensorflow as tf',
  'from tensorflow import keras',
  'from tensorflow.keras import layers',
  'm = keras.Sequential([layers.Input(shape=(6,)), layers.Embedding(6, 4, mask_zero=True), layers.LSTM(3, return_sequences=True), layers.Dense(3, activation="softmax")])',
  '',
].join('\n');

const COUNTS = [
  'class Counts(keras.metrics.Metric):',
  '    def __init__(self, name="counts", **kwargs):',
  '        super().__init__(name=name, **kwargs)',
  '        self.total = self.add_weight(name="total", initializer="zeros")',
  '        self.count = self.add_weight(name="count", initializer="zeros")',
  '        self.per_class = self.add_weight(name="per_class", shape=(3,), initializer="zeros")',
  '    def update_state(self, y_true, y_pred, sample_weight=None):',
  '        hits = tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)',
  '        if sample_weight is not None:',
  '            hits = hits * tf.cast(sample_weight, tf.float32)',
  '        self.total.assign_add(tf.reduce_sum(hits))',
  '        self.count.assign_add(tf.cast(tf.size(hits), tf.float32) if False else tf.reduce_sum(tf.ones_like(hits)))',
  '        self.per_class.assign(self.per_class + tf.reduce_sum(y_pred, axis=[0, 1]))',
  '    def result(self):',
  '        return tf.math.divide_no_nan(self.total, self.count)',
  '    def reset_state(self):',
  '        self.total.assign(0.0)',
  '        self.count.assign(0.0)',
  '        self.per_class.assign(tf.zeros((3,)))',
  '',
].join('\n');

async function compiled(source: string) {
  const a = await analyze(`${HEAD}${source}`);
  return { training: model(a, 'm').ir.training, diagnostics: a.ir.diagnostics };
}

/** The operations an expression uses (calls by name, reads of `self.<state>`). */
function ops(e: LambdaExpr, into: string[] = []): string[] {
  switch (e.op) {
    case 'call':
      into.push(e.fn);
      e.args.forEach((a) => ops(a, into));
      return into;
    case 'self':
      into.push(`self.${e.name}`);
      return into;
    case 'binary':
      into.push(e.operator);
      ops(e.left, into);
      return ops(e.right, into);
    case 'unary':
    case 'isNone':
      into.push(e.op);
      return ops(e.operand, into);
    case 'cond':
      into.push('cond');
      [e.test, e.then, e.else].forEach((x) => ops(x, into));
      return into;
    case 'slice':
      return ops(e.target, into);
    default:
      return into;
  }
}

test('a Metric subclass: its states with their shapes, update_state as their new values, result, reset_state', async () => {
  const { training: t } = await compiled(
    `${COUNTS}m.compile('adam', 'sparse_categorical_crossentropy', metrics=[Counts()])\n`,
  );
  assert.deepEqual(t.metrics, [{ custom_metric: 0 }]);
  const metric = t.customMetrics[0];
  assert.equal(metric.name, 'counts');
  assert.equal(metric.kind, 'metric-class');
  assert.equal(metric.problem, null);
  const cls = metric.metricClass;
  assert.ok(cls);
  assert.deepEqual(cls.states, [
    { attr: 'total', shape: [] },
    { attr: 'count', shape: [] },
    { attr: 'per_class', shape: [3] },
  ]);
  assert.deepEqual(cls.update.params, ['y_true', 'y_pred', 'sample_weight']);
  // `if sample_weight is not None` is known only at run time: both branches end with every state's value.
  assert.equal(cls.update.body.op, 'cond');
  if (cls.update.body.op !== 'cond') return;
  for (const branch of [cls.update.body.then, cls.update.body.else]) {
    assert.equal(branch.op === 'call' && branch.fn, 'tuple');
    if (branch.op !== 'call') continue;
    assert.equal(branch.args.length, 3);
    // assign_add adds to the state read at the start; assign replaces it.
    assert.ok(ops(branch.args[0]).includes('self.total') && ops(branch.args[0]).includes('+'));
    assert.ok(ops(branch.args[2]).includes('self.per_class'));
  }
  assert.ok(ops(cls.result.body).includes('divide_no_nan'));
  assert.ok(cls.reset);
  assert.equal(cls.reset.body.op === 'call' && cls.reset.body.args.length, 3);
});

test("a Metric subclass's name: the one given to super().__init__, else its class in snake case", async () => {
  const { training: t } = await compiled(
    [
      COUNTS,
      'class PlainHits(keras.metrics.Metric):',
      '    def __init__(self, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.hits = self.add_weight(name="hits", initializer="zeros")',
      '    def update_state(self, y_true, y_pred, sample_weight=None):',
      '        self.hits.assign_add(tf.reduce_sum(y_pred))',
      '    def result(self):',
      '        return self.hits',
      "m.compile('adam', 'mse', metrics=[Counts(name='mine'), PlainHits()], weighted_metrics=[Counts()])",
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    t.customMetrics.map((m) => m.name),
    ['mine', 'plain_hits', 'counts'],
  );
  assert.deepEqual(t.metrics, [{ custom_metric: 0 }, { custom_metric: 1 }]);
  assert.deepEqual(t.weightedMetrics, [{ custom_metric: 2 }]);
  assert.equal(t.customMetrics[1].metricClass?.reset, null, "no reset_state: Keras' own (every state zero)");
});

test('a def metric is translated like a loss, beside the names Keras knows', async () => {
  const { training: t } = await compiled(
    [
      'def token_hits(y_true, y_pred):',
      '    return tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)',
      "m.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy', token_hits])",
      '',
    ].join('\n'),
  );
  assert.deepEqual(t.metrics, ['accuracy', { custom_metric: 0 }]);
  assert.equal(t.customMetrics[0].kind, 'function');
  assert.equal(t.customMetrics[0].name, 'token_hits');
  assert.deepEqual(t.customMetrics[0].fn?.params, ['y_true', 'y_pred']);
});

test('what cannot be translated is one located message naming the line; the other metrics are still read', async () => {
  const source = [
    COUNTS,
    'class NumpyHits(keras.metrics.Metric):',
    '    def __init__(self, name="numpy_hits", **kwargs):',
    '        super().__init__(name=name, **kwargs)',
    '        self.total = self.add_weight(name="total", initializer="zeros")',
    '    def update_state(self, y_true, y_pred, sample_weight=None):',
    '        self.total.assign_add(np.mean(np.argmax(y_pred, axis=-1)))',
    '    def result(self):',
    '        return self.total',
    'class LoopHits(keras.metrics.Metric):',
    '    def __init__(self, name="loop_hits", **kwargs):',
    '        super().__init__(name=name, **kwargs)',
    '        self.total = self.add_weight(name="total", initializer="zeros")',
    '    def update_state(self, y_true, y_pred, sample_weight=None):',
    '        for row in y_pred:',
    '            self.total.assign_add(tf.reduce_sum(row))',
    '    def result(self):',
    '        return self.total',
    'def odd_metric(y_true, y_pred):',
    '    return tf.math.bessel_i0(y_pred)',
    "m.compile('adam', 'mse', metrics=[NumpyHits(), Counts(), LoopHits(), odd_metric])",
    '',
  ].join('\n');
  const { training: t, diagnostics } = await compiled(source);
  const lines = `${HEAD}${source}`.split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.includes(text));
  const [numpy, counts, loop, odd] = t.customMetrics;
  assert.equal(counts.problem, null, 'the translatable metric is unaffected');
  assert.ok(counts.metricClass);
  const expected: [typeof numpy, string, RegExp][] = [
    [numpy, 'np.mean(np.argmax', /numpy cannot read a tensor.*NotImplementedError/],
    [loop, 'for row in y_pred', /a loop over values known only at run time/],
    [odd, 'tf.math.bessel_i0', /not a function MaskLens can execute/],
  ];
  for (const [metric, text, why] of expected) {
    assert.ok(metric.problem, `${metric.name}: refused`);
    assert.equal(metric.fn, null);
    assert.equal(metric.metricClass, null);
    assert.equal(metric.problem.range.start.line, lineOf(text), `${metric.name}: located at its line`);
    assert.match(metric.problem.message, why);
    assert.match(metric.problem.message, new RegExp(`metric '${metric.name}'.*leave(s)? (it )?out`));
    assert.ok(
      diagnostics.some((d) => d.message === metric.problem?.message && d.range.start.line === lineOf(text)),
      `${metric.name}: a diagnostic at the line`,
    );
  }
});

test("a metric's state changed inside a helper method is refused where it happens", async () => {
  const { training: t } = await compiled(
    [
      'class Helper(keras.metrics.Metric):',
      '    def __init__(self, name="helper", **kwargs):',
      '        super().__init__(name=name, **kwargs)',
      '        self.total = self.add_weight(name="total", initializer="zeros")',
      '    def _add(self, v):',
      '        self.total.assign_add(v)',
      '        return v',
      '    def update_state(self, y_true, y_pred, sample_weight=None):',
      '        x = self._add(tf.reduce_sum(y_pred))',
      '    def result(self):',
      '        return self.total',
      "m.compile('adam', 'mse', metrics=[Helper()])",
      '',
    ].join('\n'),
  );
  assert.match(t.customMetrics[0].problem?.message ?? '', /state changed inside a helper method/);
});

test('a subclass of a Keras metric other than Metric, or a Metric class given uninstantiated, is refused where compile() names it', async () => {
  const source = [
    COUNTS,
    'class MeanHits(keras.metrics.Mean):',
    '    def update_state(self, y_true, y_pred, sample_weight=None):',
    '        return super().update_state(tf.reduce_sum(y_pred), sample_weight)',
    "m.compile('adam', 'mse', metrics=[MeanHits(), Counts])",
    '',
  ].join('\n');
  const { training: t, diagnostics } = await compiled(source);
  const line = `${HEAD}${source}`
    .split('\n')
    .findIndex((l) => l.startsWith("m.compile('adam', 'mse', metrics=[MeanHits()"));
  const [mean, uninstantiated] = t.customMetrics;
  assert.match(mean.problem?.message ?? '', /'MeanHits' derives from keras\.metrics\.Mean, whose own update_state/);
  assert.match(uninstantiated.problem?.message ?? '', /'Counts' is given as the class, which Keras instantiates/);
  for (const m of [mean, uninstantiated]) {
    assert.equal(m.problem?.range.start.line, line);
    assert.ok(diagnostics.some((d) => d.message === m.problem?.message));
  }
});
