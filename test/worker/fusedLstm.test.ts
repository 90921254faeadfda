/**
 * The fused BlockLSTM path against the general step-by-step path: same weights, same data,
 * same masks; outputs and every weight gradient must agree, and masks the fused path cannot
 * reproduce exactly must not take it.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { JsonObject } from '../../src/core/ir';
import { NO_EXTRA, singleOutput } from '../../src/worker/layers/base';
import { fusedCalls, prefixLengths } from '../../src/worker/layers/fusedRnn';
import { Bidirectional, Recurrent } from '../../src/worker/layers/recurrent';
import { build, close, compare, context, env, maskOf, postPadded, tf } from './fusedPaths';

const lengths = [7, 3, 0, 1, 5];
const cases: [string, JsonObject][] = [
  ['forward, sequences', { units: 6, return_sequences: true }],
  ['forward, last output', { units: 6 }],
  ['backwards, sequences', { units: 6, return_sequences: true, go_backwards: true }],
  ['backwards, last output', { units: 6, go_backwards: true }],
  ['no bias', { units: 6, return_sequences: true, use_bias: false }],
];

for (const [title, config] of cases) {
  test(`fused LSTM = general path: ${title}, post-padded with an all-masked row`, () => {
    assert.ok(compare(new Recurrent('lstm', 'LSTM', config, env), 4, postPadded(lengths, 7), 5, 7) > 0);
  });
  test(`fused LSTM = general path: ${title}, no mask`, () => {
    assert.ok(compare(new Recurrent('lstm', 'LSTM', config, env), 4, null, 3, 6) > 0);
  });
}

test('fused LSTM = general path: Bidirectional(LSTM, return_sequences), post-padded', () => {
  const layer = new Bidirectional(
    'bi',
    'Bidirectional',
    { layer: { class_name: 'LSTM', config: { name: 'l', units: 5, return_sequences: true } } },
    env,
  );
  assert.ok(compare(layer, 3, postPadded(lengths, 7), 5, 7) > 0);
});

test('fused LSTM = general path: Bidirectional(LSTM), last output, post-padded', () => {
  const layer = new Bidirectional(
    'bi',
    'Bidirectional',
    { layer: { class_name: 'LSTM', config: { name: 'l', units: 5 } } },
    env,
  );
  assert.ok(compare(layer, 3, postPadded([7, 2, 4, 6, 1], 7), 5, 7) > 0);
});

test('a mask that is not a prefix (holes, pre-padding) takes the general path', () => {
  assert.deepEqual(
    prefixLengths(
      tf,
      maskOf([
        [1, 1, 0],
        [1, 0, 0],
      ]),
      2,
      3,
    ),
    Int32Array.from([2, 1]),
  );
  assert.deepEqual(prefixLengths(tf, null, 2, 3), Int32Array.from([3, 3]));
  assert.equal(
    prefixLengths(
      tf,
      maskOf([
        [1, 0, 1],
        [1, 1, 1],
      ]),
      2,
      3,
    ),
    null,
  );
  assert.equal(
    prefixLengths(
      tf,
      maskOf([
        [0, 1, 1],
        [1, 1, 1],
      ]),
      2,
      3,
    ),
    null,
  );
  // And those layers still compute what the general path computes.
  const holes = [
    [1, 0, 1, 1, 0, 1],
    [0, 0, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1],
  ];
  assert.equal(compare(new Recurrent('lstm', 'LSTM', { units: 4, return_sequences: true }, env), 3, holes, 3, 6), 0);
});

test('an all-masked batch falls back and gives zeros', () => {
  assert.equal(
    compare(new Recurrent('lstm', 'LSTM', { units: 4, return_sequences: true }, env), 3, postPadded([0, 0], 5), 2, 5),
    0,
  );
});

test('dropout in training takes the general path; inference ignores dropout and runs fused', () => {
  const layer = new Recurrent('lstm', 'LSTM', { units: 4, return_sequences: true, dropout: 0.5 }, env);
  build(layer, 3);
  const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 5);
  const m = maskOf(postPadded([5, 2], 5));
  const out = (fused: boolean, training: boolean) => {
    process.env.MASKLENS_FUSED_RNN = fused ? '1' : '0';
    try {
      return tf.tidy(
        () => singleOutput(layer.call([x], [m], context(training), NO_EXTRA), layer.name).dataSync() as Float32Array,
      );
    } finally {
      delete process.env.MASKLENS_FUSED_RNN;
    }
  };
  const before = fusedCalls.count;
  close(out(true, false), out(false, false), 'inference');
  assert.equal(fusedCalls.count - before, 1);
  assert.deepEqual(out(true, true), out(false, true)); // same seeds, same general path
  assert.equal(fusedCalls.count - before, 1);
});

test('the fused path leaves no tensors behind (forward and gradients)', () => {
  const layer = new Recurrent('lstm', 'LSTM', { units: 4, return_sequences: true, go_backwards: true }, env);
  const w = build(layer, 3);
  const x = tf.randomNormal([3, 5, 3], 0, 1, 'float32', 5);
  const m = maskOf(postPadded([5, 2, 0], 5));
  const vars = w.created.map((r) => r.variable);
  const before = tf.memory().numTensors;
  const calls = fusedCalls.count;
  const { value, grads } = tf.variableGrads(
    () =>
      tf.sum(
        singleOutput(layer.call([x], [m], context(true), NO_EXTRA), layer.name),
      ) as import('@tensorflow/tfjs-node').Scalar,
    vars,
  );
  assert.equal(fusedCalls.count - calls, 1);
  value.dispose();
  tf.dispose(Object.values(grads));
  assert.equal(tf.memory().numTensors, before);
});
