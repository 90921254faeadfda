/**
 * Comparing length-bucketed evaluations with ones that run every timestep: seeded padded
 * inputs, one evaluation of a model either way, and every number an evaluation returns
 * compared (masks, counts and shapes exactly, values within what batching itself moves).
 */
import assert from 'node:assert/strict';
import type { KerasModelConfig, LambdaIR } from '../../src/core/ir';
import { Rng } from '../../src/core/data/random';
import { type Evaluation, evaluate } from '../../src/worker/evaluation';
import { openSession } from '../../src/worker/session';
import { loadTf } from '../../src/worker/tf';
import { arr } from './helpers';

const { tf } = loadTf();

export const STEPS = 40;
export const SAMPLES = 150;
export const FEATURES = 3;
export const VOCAB = 20;

export type Padding = 'post' | 'pre' | 'holes';

/** Seeded random lengths from 0 to STEPS (both ends included), and rows padded at one end. */
export function inputs(
  kind: 'tokens' | 'features',
  padding: Padding,
  seed: number,
): { shape: number[]; values: number[] } {
  const rng = new Rng(seed);
  const inner = kind === 'tokens' ? 1 : FEATURES;
  const values = new Array<number>(SAMPLES * STEPS * inner).fill(0);
  for (let s = 0; s < SAMPLES; s++) {
    const length = s === 0 ? STEPS : s === 1 ? 0 : Math.floor(rng.next() * (STEPS + 1));
    for (let i = 0; i < length; i++) {
      let t = padding === 'pre' ? STEPS - length + i : i;
      // A hole: one padded step inside the second sample's sequence.
      if (padding === 'holes' && s === 2 && i === 1) t = length;
      for (let f = 0; f < inner; f++)
        values[(s * STEPS + t) * inner + f] =
          kind === 'tokens' ? 1 + Math.floor(rng.next() * (VOCAB - 1)) : rng.next() * 2 - 1 || 0.5;
    }
  }
  return { shape: kind === 'tokens' ? [SAMPLES, STEPS] : [SAMPLES, STEPS, FEATURES], values };
}

export function targets(shape: number[], seed: number): { shape: number[]; values: number[] } {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, values: Array.from({ length: size }, () => rng.next()) };
}

export function evaluated(
  config: KerasModelConfig,
  c: { kind: 'tokens' | 'features'; output: number[]; lambdas?: Record<string, LambdaIR> },
  padding: Padding,
  buckets: boolean,
  chunk = 64,
) {
  const x = inputs(c.kind, padding, 11);
  const y = targets([SAMPLES, ...c.output], 12);
  const session = openSession(
    {
      model: {
        name: 'm',
        config,
        lambdas: c.lambdas ?? {},
        training: { loss: 'mse', metrics: ['mae'], batchSize: 24 },
      },
      family: 'keras3',
      data: { source: 'inline', x: arr(x.shape, x.values), y: arr(y.shape, y.values) },
      seed: 3,
      memoryCapMB: 2048,
      nanPolicy: 'report',
      dimensions: {},
      access: { mode: 'trusted' },
    },
    { kind: 'evaluate', kept: SAMPLES },
  );
  const before = tf.memory().numTensors;
  try {
    const e = evaluate(session, {
      shown: Array.from({ length: SAMPLES }, (_, i) => i),
      caps: { samples: SAMPLES, timesteps: STEPS, features: 64 },
      recordLayers: true,
      chunk,
      kerasBatchSize: 24,
      lengthBuckets: buckets,
    });
    assert.equal(tf.memory().numTensors, before, 'the pass leaves no tensor behind');
    return e;
  } finally {
    session.dispose();
  }
}

/**
 * The largest difference between two arrays of numbers (nested arrays flattened), relative to
 * the largest magnitude in them: values near zero are compared at the array's scale.
 */
function largestRelative(a: unknown, b: unknown): number {
  const flat = (v: unknown): number[] =>
    Array.isArray(v) ? v.flatMap(flat) : ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : [v as number];
  const x = flat(a);
  const y = flat(b);
  assert.equal(x.length, y.length, 'same number of values');
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    // Values both NaN (a sample with no valid step, averaged) are equal, and set no scale.
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    scale = Math.max(scale, Math.abs(x[i]), Math.abs(y[i]));
    if (x[i] === y[i]) continue;
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst === 0 ? 0 : worst / scale;
}

/**
 * How far values may move when the samples of a batch change. TensorFlow's CPU sigmoid and exp
 * compute a value in a full SIMD vector or, at a tensor's tail, one at a time, and the two
 * differ in the last bit (measured: 123 of 4,096 sigmoids, up to 3e-7 relative); which values
 * fall in the tail depends on the batch. So rows are not bit-identical across batchings (the
 * unbucketed path moves as much between chunk sizes: see the last case below, and Keras with
 * its batch size), and the RNN carries the last-bit differences on. Measured on these models:
 * rows within 6e-7 of the array's scale, the float64 reductions within 2e-9 relative.
 */
export const ROWS = 4e-6;
export const REDUCED = 2e-8;

/** Everything an evaluation returns, bucketed or not: masks, counts and shapes exactly, values within the tolerances. */
export function assertSame(a: Evaluation, b: Evaluation): void {
  const reduced: [string, number][] = [
    ['reductions', largestRelative(Object.values(a.reductions ?? {}), Object.values(b.reductions ?? {}))],
    ['Keras figure', largestRelative([a.keras], [b.keras])],
    [
      'metrics',
      largestRelative(
        a.metrics.map((m) => [m.unmasked, m.masked, m.keras]),
        b.metrics.map((m) => [m.unmasked, m.masked, m.keras]),
      ),
    ],
    ['padding share', largestRelative([a.padding.share], [b.padding.share])],
  ];
  const rows: [string, number][] = [
    ['outputs', largestRelative(a.output.data, b.output.data)],
    ['per-timestep losses', largestRelative(a.loss?.data ?? [], b.loss?.data ?? [])],
    ...a.layers.map((l, i): [string, number] => [
      `layer '${l.name}' output`,
      largestRelative(l.output, b.layers[i].output),
    ]),
  ];
  for (const [what, d] of reduced) assert.ok(d <= REDUCED, `${what}: relative difference ${d}`);
  for (const [what, d] of rows) assert.ok(d <= ROWS, `${what}: difference ${d} of the largest value`);
  assert.deepEqual(a.padding.source, b.padding.source);
  assert.deepEqual(a.outputShape, b.outputShape);
  assert.deepEqual(a.output.shape, b.output.shape);
  assert.deepEqual(a.outputMask, b.outputMask, 'output mask');
  assert.deepEqual(a.lossMask, b.lossMask, 'loss mask');
  assert.equal(a.layers.length, b.layers.length);
  a.layers.forEach((l, i) => {
    const o = b.layers[i];
    assert.deepEqual(
      [l.maskValid, l.maskTotal, l.validPerSample, l.mask, l.maskShape, l.outputShape],
      [o.maskValid, o.maskTotal, o.validPerSample, o.mask, o.maskShape, o.outputShape],
      `layer '${l.name}' mask`,
    );
  });
  assert.deepEqual(a.warnings, b.warnings);
  assert.deepEqual(a.notes, b.notes);
}
