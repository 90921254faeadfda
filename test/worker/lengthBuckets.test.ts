/**
 * Length-bucketed evaluation: on random lengths, pre- and post-padded, every mask, count and
 * shape an evaluation returns is exactly what running every timestep gives, and every value is
 * within what the unbucketed path itself moves by between chunk sizes,
 * for masked LSTM/GRU/SimpleRNN layers (return_sequences on and off, go_backwards) and
 * Bidirectional ones; models that mix timesteps, or data whose padding is not at one end, run
 * whole and say why.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { JsonObject, KerasModelConfig } from '../../src/core/ir';
import { Rng } from '../../src/core/data/random';
import { lengthBuckets, validLengths } from '../../src/core/runtime/lengthBuckets';
import { type Evaluation, evaluate } from '../../src/worker/evaluation';
import { openSession } from '../../src/worker/session';
import { loadTf } from '../../src/worker/tf';
import { arr, layer, sequential } from './helpers';

const { tf } = loadTf();

const STEPS = 40;
const SAMPLES = 150;
const FEATURES = 3;
const VOCAB = 20;

type Padding = 'post' | 'pre' | 'holes';

/** Seeded random lengths from 0 to STEPS (both ends included), and rows padded at one end. */
function inputs(kind: 'tokens' | 'features', padding: Padding, seed: number): { shape: number[]; values: number[] } {
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

function targets(shape: number[], seed: number): { shape: number[]; values: number[] } {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, values: Array.from({ length: size }, () => rng.next()) };
}

const embedding = () => layer('Embedding', { input_dim: VOCAB, output_dim: 6, mask_zero: true });
const masking = () => layer('Masking', { mask_value: 0 });
const rnn = (className: string, config: JsonObject) => ({ class_name: className, config: { units: 5, ...config } });
const bidirectional = (inner: { class_name: string; config: JsonObject }, mergeMode = 'concat') =>
  layer('Bidirectional', { layer: inner, merge_mode: mergeMode });

interface Case {
  name: string;
  kind: 'tokens' | 'features';
  layers: { class_name: string; config: JsonObject }[];
  /** The model's output per sample. */
  output: number[];
}

const CASES: Case[] = [
  {
    name: 'Embedding → LSTM(return_sequences) → Dense',
    kind: 'tokens',
    layers: [embedding(), layer('LSTM', { units: 5, return_sequences: true }), layer('Dense', { units: 3 })],
    output: [STEPS, 3],
  },
  {
    name: 'Embedding → Bidirectional(LSTM, return_sequences) → Dropout → Dense(softmax)',
    kind: 'tokens',
    layers: [
      embedding(),
      bidirectional(rnn('LSTM', { return_sequences: true })),
      layer('Dropout', { rate: 0.5 }),
      layer('Dense', { units: 4, activation: 'softmax' }),
    ],
    output: [STEPS, 4],
  },
  {
    name: 'Masking → GRU(return_sequences) → LayerNormalization → TimeDistributed(Dense)',
    kind: 'features',
    layers: [
      masking(),
      layer('GRU', { units: 5, return_sequences: true }),
      layer('LayerNormalization', { axis: -1 }),
      layer('TimeDistributed', { layer: { class_name: 'Dense', config: { units: 2 } } }),
    ],
    output: [STEPS, 2],
  },
  {
    name: 'Masking → SimpleRNN(return_sequences=False) → Dense',
    kind: 'features',
    layers: [masking(), layer('SimpleRNN', { units: 5 }), layer('Dense', { units: 2 })],
    output: [2],
  },
  {
    name: 'Embedding → LSTM(go_backwards, return_sequences=False) → Dense',
    kind: 'tokens',
    layers: [embedding(), layer('LSTM', { units: 5, go_backwards: true }), layer('Dense', { units: 2 })],
    output: [2],
  },
  {
    name: 'Embedding → Bidirectional(GRU, sum) → Dense',
    kind: 'tokens',
    layers: [embedding(), bidirectional(rnn('GRU', {}), 'sum'), layer('Dense', { units: 2 })],
    output: [2],
  },
  {
    name: 'Embedding → LSTM(return_sequences) → Bidirectional(SimpleRNN, ave, return_sequences) → Dense',
    kind: 'tokens',
    layers: [
      embedding(),
      layer('LSTM', { units: 5, return_sequences: true }),
      bidirectional(rnn('SimpleRNN', { return_sequences: true }), 'ave'),
      layer('Dense', { units: 2 }),
    ],
    output: [STEPS, 2],
  },
];

function evaluated(
  config: KerasModelConfig,
  c: { kind: Case['kind']; output: number[] },
  padding: Padding,
  buckets: boolean,
  chunk = 64,
) {
  const x = inputs(c.kind, padding, 11);
  const y = targets([SAMPLES, ...c.output], 12);
  const session = openSession(
    {
      model: { name: 'm', config, lambdas: {}, training: { loss: 'mse', metrics: ['mae'], batchSize: 24 } },
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
    scale = Math.max(scale, Math.abs(x[i]), Math.abs(y[i]));
    if (x[i] === y[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i]))) continue;
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
const ROWS = 4e-6;
const REDUCED = 2e-8;

/** Everything an evaluation returns, bucketed or not: masks, counts and shapes exactly, values within the tolerances. */
function assertSame(a: Evaluation, b: Evaluation): void {
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

for (const c of CASES) {
  for (const padding of ['post', 'pre'] as const) {
    test(`${c.name}, ${padding}-padded: bucketed equals every timestep run`, () => {
      const config = sequential(c.kind === 'tokens' ? [STEPS] : [STEPS, FEATURES], c.layers);
      const whole = evaluated(config, c, padding, false);
      const bucketed = evaluated(config, c, padding, true);
      assert.deepEqual(bucketed.buckets, { chunks: 3, of: 3, reason: null }, 'every chunk ran in buckets');
      assert.equal(whole.buckets.chunks, 0);
      assertSame(bucketed, whole);
    });
  }
}

test('a model that mixes timesteps or steps through padding runs whole, and says which layer (an unmasked one says nothing)', () => {
  const cases: [{ class_name: string; config: JsonObject }[], RegExp | null][] = [
    [
      [embedding(), layer('Conv1D', { filters: 4, kernel_size: 3, padding: 'same' }), layer('Dense', { units: 2 })],
      /Conv1D\) may mix timesteps/,
    ],
    [
      [
        embedding(),
        layer('LSTM', { units: 5, return_sequences: true, go_backwards: true }),
        layer('Dense', { units: 2 }),
      ],
      /runs backwards and returns sequences/,
    ],
    [
      [
        layer('Embedding', { input_dim: VOCAB, output_dim: 6 }),
        layer('LSTM', { units: 5 }),
        layer('Dense', { units: 2 }),
      ],
      null,
    ],
  ];
  for (const [layers, reason] of cases) {
    const config = sequential([STEPS], layers);
    const output = layers[1].config.return_sequences === true || layers[1].class_name === 'Conv1D' ? [STEPS, 2] : [2];
    const e = evaluated(config, { kind: 'tokens', output }, 'post', true);
    assert.equal(e.buckets.chunks, 0);
    if (reason) assert.match(e.buckets.reason ?? '', reason);
    else assert.equal(e.buckets.reason, null, 'nothing marks padding: nothing to say');
  }
});

test('padding inside a sequence: the chunk holding it runs whole, and the result says why', () => {
  const c = CASES[0];
  const config = sequential([STEPS], c.layers);
  const bucketed = evaluated(config, c, 'holes', true);
  // The hole is in the first chunk of 64; the other two run in buckets.
  assert.deepEqual(bucketed.buckets.chunks, 2);
  assert.match(bucketed.buckets.reason ?? '', /padding inside a sequence/);
  assertSame(bucketed, evaluated(config, c, 'holes', false));
});

test('the tolerance is what the unbucketed path moves by itself: every timestep run in chunks of 64 and of 50', () => {
  for (const c of [CASES[1], CASES[2]]) {
    const config = sequential(c.kind === 'tokens' ? [STEPS] : [STEPS, FEATURES], c.layers);
    assertSame(evaluated(config, c, 'post', false, 50), evaluated(config, c, 'post', false, 64));
  }
});

test('valid lengths and the padding side from the input rows; buckets sorted by length, cut one step past the longest', () => {
  const embeddingMarker = { kind: 'embedding' as const, layer: 'e' };
  assert.deepEqual(validLengths([1, 2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0], 3, 4, 1, embeddingMarker), {
    side: 'post',
    lengths: Int32Array.from([2, 1, 0]),
  });
  assert.deepEqual(validLengths([0, 0, 1, 2, 0, 0, 0, 3], 2, 4, 1, embeddingMarker), {
    side: 'pre',
    lengths: Int32Array.from([2, 1]),
  });
  assert.equal(validLengths([1, 0, 2, 0], 1, 4, 1, embeddingMarker), null, 'a hole');
  assert.equal(validLengths([1, 0, 0, 0, 0, 0, 0, 1], 2, 4, 1, embeddingMarker), null, 'pre and post mixed');
  // Masking: a step is valid when any feature differs from the mask value.
  const maskingMarker = { kind: 'masking' as const, layer: 'm', value: -1 };
  assert.deepEqual(validLengths([5, -1, -1, 7, -1, -1], 1, 3, 2, maskingMarker), {
    side: 'post',
    lengths: Int32Array.from([2]),
  });
  assert.deepEqual(lengthBuckets([5, 1, 9, 3, 0], 10, 2), [
    { rows: [4, 1], cut: 2 },
    { rows: [3, 0], cut: 6 },
    { rows: [2], cut: 10 },
  ]);
});
