/**
 * What the fused-path tests (fusedLstm.test.ts, fusedGru.test.ts) share: a layer run on the
 * fused path and on the general step-by-step path with the same weights, data and mask;
 * outputs and every weight and input gradient must agree.
 */
import assert from 'node:assert/strict';
import type { CallContext, RuntimeLayer, Tensor } from '../../src/worker/layers/base';
import { NO_EXTRA, singleOutput } from '../../src/worker/layers/base';
import { fusedCalls } from '../../src/worker/layers/fusedRnn';
import { WeightBuilder } from '../../src/worker/layers/weights';
import { loadTf } from '../../src/worker/tf';

export const { tf } = loadTf();
export const env = { tf, family: 'keras3' as const };

export function context(training: boolean): CallContext {
  let n = 0;
  return { tf, family: 'keras3', training, nextSeed: () => ++n, logits: new WeakMap(), updates: [] };
}

export function build(layer: RuntimeLayer, features: number): WeightBuilder {
  const w = new WeightBuilder(tf, layer.name, 7, null);
  layer.build([[null, null, features]], w);
  // Non-zero biases, so the bias gradient and its gate order are really tested.
  for (const r of w.created)
    if (r.name.endsWith('bias')) r.variable.assign(tf.randomUniform(r.shape, -0.5, 0.5, 'float32', 3));
  return w;
}

/** Mask [B, T] from per-sample rows of 0/1. */
export function maskOf(rows: number[][]): Tensor {
  return tf.tensor2d(rows, undefined, 'bool');
}

export function postPadded(lengths: number[], steps: number): number[][] {
  return lengths.map((l) => Array.from({ length: steps }, (_, t) => (t < l ? 1 : 0)));
}

interface Run {
  y: Float32Array;
  grads: Float32Array[];
}

/** Forward and the gradients of Σ y·r (a fixed random r) w.r.t. every weight and the input. */
export function run(layer: RuntimeLayer, w: WeightBuilder, x: Tensor, mask: Tensor | null, fused: boolean): Run {
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

export function close(a: Float32Array, b: Float32Array, what: string, tol = 1e-5): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1e-3;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: fused ${a[i]} vs general ${b[i]}`);
}

/** Compares both paths; returns how many layer calls the fused run took fused. */
export function compare(
  layer: RuntimeLayer,
  features: number,
  mask: number[][] | null,
  batch: number,
  steps: number,
): number {
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
