/**
 * The fused GRU path (both reset_after forms) against the general step-by-step path: same
 * weights, data and masks; outputs and every weight and input gradient must agree, masks it
 * cannot reproduce exactly must not take it, and it must leave no tensors behind.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { JsonObject } from '../../src/core/ir';
import { NO_EXTRA, singleOutput } from '../../src/worker/layers/base';
import { fusedCalls } from '../../src/worker/layers/fusedRnn';
import { Bidirectional, Recurrent } from '../../src/worker/layers/recurrent';
import { build, compare, context, env, maskOf, postPadded, tf } from './fusedPaths';

const lengths = [7, 3, 0, 1, 5];
const shapes: [string, JsonObject][] = [
  ['forward, sequences', { units: 6, return_sequences: true }],
  ['forward, last output', { units: 6 }],
  ['backwards, sequences', { units: 6, return_sequences: true, go_backwards: true }],
  ['backwards, last output', { units: 6, go_backwards: true }],
  ['no bias', { units: 6, return_sequences: true, use_bias: false }],
  ['zero_output_for_mask', { units: 6, return_sequences: true, zero_output_for_mask: true }],
];

for (const resetAfter of [true, false]) {
  for (const [title, shape] of shapes) {
    const config = { ...shape, reset_after: resetAfter };
    test(`fused GRU (reset_after=${resetAfter}) = general path: ${title}, post-padded with an all-masked row`, () => {
      assert.ok(compare(new Recurrent('gru', 'GRU', config, env), 4, postPadded(lengths, 7), 5, 7) > 0);
    });
    test(`fused GRU (reset_after=${resetAfter}) = general path: ${title}, no mask`, () => {
      assert.ok(compare(new Recurrent('gru', 'GRU', config, env), 4, null, 3, 6) > 0);
    });
  }
  test(`fused GRU (reset_after=${resetAfter}) = general path: Bidirectional(GRU, return_sequences), post-padded`, () => {
    const layer = new Bidirectional(
      'bi',
      'Bidirectional',
      {
        layer: { class_name: 'GRU', config: { name: 'g', units: 5, return_sequences: true, reset_after: resetAfter } },
      },
      env,
    );
    assert.ok(compare(layer, 3, postPadded(lengths, 7), 5, 7) > 0);
  });
}

test('fused GRU = general path: RNN(GRUCell), last output, post-padded', () => {
  const layer = new Recurrent('rnn', 'RNN', { cell: { class_name: 'GRUCell', config: { units: 4 } } }, env);
  assert.ok(compare(layer, 3, postPadded([6, 2, 4], 6), 3, 6) > 0);
});

test('a GRU whose mask has holes or is pre-padded takes the general path', () => {
  const pre = [
    [0, 0, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1],
    [0, 1, 1, 1, 1, 1],
  ];
  assert.equal(compare(new Recurrent('gru', 'GRU', { units: 4, return_sequences: true }, env), 3, pre, 3, 6), 0);
});

test('a GRU with other activations, or dropout in training, takes the general path', () => {
  assert.equal(
    compare(new Recurrent('gru', 'GRU', { units: 4, activation: 'relu' }, env), 3, postPadded([5, 2], 5), 2, 5),
    0,
  );
  const layer = new Recurrent('gru', 'GRU', { units: 4, return_sequences: true, recurrent_dropout: 0.3 }, env);
  build(layer, 3);
  const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 5);
  const m = maskOf(postPadded([5, 2], 5));
  const before = fusedCalls.count;
  tf.tidy(() => singleOutput(layer.call([x], [m], context(true), NO_EXTRA), layer.name).dataSync());
  assert.equal(fusedCalls.count - before, 0, 'training with recurrent dropout');
  tf.tidy(() => singleOutput(layer.call([x], [m], context(false), NO_EXTRA), layer.name).dataSync());
  assert.equal(fusedCalls.count - before, 1, 'inference ignores dropout');
});

for (const resetAfter of [true, false]) {
  test(`the fused GRU (reset_after=${resetAfter}) leaves no tensors behind (forward and gradients)`, () => {
    const layer = new Recurrent(
      'gru',
      'GRU',
      { units: 4, return_sequences: true, go_backwards: true, reset_after: resetAfter },
      env,
    );
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
}

test('fused GRU, longer sequences: gradients still agree (errors do not pile up over the steps)', () => {
  const steps = 60;
  const lens = [60, 45, 12, 1, 33, 59];
  const layer = new Recurrent('gru', 'GRU', { units: 16, return_sequences: true }, env);
  assert.ok(compare(layer, 8, postPadded(lens, steps), lens.length, steps) > 0);
});
