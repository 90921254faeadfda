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
import type { JsonObject } from '../../src/core/ir';
import { lengthBuckets, validLengths } from '../../src/core/runtime/lengthBuckets';
import { assertSame, evaluated, FEATURES, STEPS, VOCAB } from './bucketCompare';
import { layer, sequential } from './helpers';

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
