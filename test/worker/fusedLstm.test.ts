/**
 * The fused BlockLSTM path against the general step-by-step path: same weights, same data,
 * same masks; outputs and every weight gradient must agree, and masks the fused path cannot
 * reproduce exactly must not take it.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { JsonObject } from '../../src/core/ir';
import type { CallContext, RuntimeLayer, Tensor } from '../../src/worker/layers/base';
import { NO_EXTRA, singleOutput } from '../../src/worker/layers/base';
import { fusedCalls, prefixLengths } from '../../src/worker/layers/fusedLstm';
import { Bidirectional, Recurrent } from '../../src/worker/layers/recurrent';
import { WeightBuilder } from '../../src/worker/layers/weights';
import { loadTf } from '../../src/worker/tf';

const { tf } = loadTf();
const env = { tf, family: 'keras3' as const };

function context(training: boolean): CallContext {
  let n = 0;
  return { tf, family: 'keras3', training, nextSeed: () => ++n, logits: new WeakMap(), updates: [] };
}

function build(layer: RuntimeLayer, features: number): WeightBuilder {
  const w = new WeightBuilder(tf, layer.name, 7, null);
  layer.build([[null, null, features]], w);
  // Non-zero biases, so the bias gradient and its gate order are really tested.
  for (const r of w.created)
    if (r.name.endsWith('bias')) r.variable.assign(tf.randomUniform(r.shape, -0.5, 0.5, 'float32', 3));
  return w;
}

/** Mask [B, T] from per-sample rows of 0/1. */
function maskOf(rows: number[][]): Tensor {
  return tf.tensor2d(rows, undefined, 'bool');
}

function postPadded(lengths: number[], steps: number): number[][] {
  return lengths.map((l) => Array.from({ length: steps }, (_, t) => (t < l ? 1 : 0)));
}

interface Run {
  y: Float32Array;
  grads: Float32Array[];
}

/** Forward and the gradients of Σ y·r (a fixed random r) w.r.t. every weight and the input. */
function run(layer: RuntimeLayer, w: WeightBuilder, x: Tensor, mask: Tensor | null, fused: boolean): Run {
  process.env.MASKLENS_FUSED_RNN = fused ? '1' : '0';
  try {
    return tf.tidy(() => {
      const vars = w.created.map((r) => r.variable);
      const f = (xx: Tensor): Tensor => singleOutput(layer.call([xx], [mask], context(true), NO_EXTRA), layer.name);
      const y = f(x);
      const r = tf.randomNormal(y.shape, 0, 1, 'float32', 11);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), r)) as import('@tensorflow/tfjs-node').Scalar, vars);
      const gx = tf.grad((xx: Tensor) => tf.sum(tf.mul(f(xx), r)))(x);
      return {
        y: y.dataSync() as Float32Array,
        grads: [...vars.map((v) => grads[v.name].dataSync() as Float32Array), gx.dataSync() as Float32Array],
      };
    });
  } finally {
    delete process.env.MASKLENS_FUSED_RNN;
  }
}

function close(a: Float32Array, b: Float32Array, what: string, tol = 1e-5): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1e-3;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: fused ${a[i]} vs general ${b[i]}`);
}

/** Compares both paths; returns how many layer calls the fused run took fused. */
function compare(layer: RuntimeLayer, features: number, mask: number[][] | null, batch: number, steps: number): number {
  const w = build(layer, features);
  const x = tf.randomNormal([batch, steps, features], 0, 1, 'float32', 5);
  const m = mask ? maskOf(mask) : null;
  const before = fusedCalls.count;
  const fused = run(layer, w, x, m, true);
  const tookFused = fusedCalls.count - before;
  const general = run(layer, w, x, m, false);
  assert.equal(fusedCalls.count - before, tookFused, 'MASKLENS_FUSED_RNN=0 must switch the fast path off');
  close(fused.y, general.y, 'output');
  fused.grads.forEach((g, i) => close(g, general.grads[i], i < w.created.length ? `d/d ${w.created[i].name}` : 'd/dx'));
  return tookFused;
}

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
