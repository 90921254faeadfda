/**
 * Length buckets through what the reader records from Python source: a Lambda slicing time from
 * a fixed step with its mask sliced alike (seed 002's fix, chained), a Lambda computing each step
 * from that step, the ops a Keras 3 functional model records for an Embedding's mask, and pooling
 * over time. On random lengths, pre- and post-padded, the bucketed evaluation returns what the
 * one over every timestep returns; a Lambda or a pooling layer that would see the cut runs whole
 * and says why.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { lengthBuckets } from '../../src/core/runtime/lengthBuckets';
import { analyze, model } from '../core/helpers';
import { assertSame, evaluated, STEPS } from './bucketCompare';

async function built(source: string) {
  const m = runtimeModelOf(model(await analyze(source)).ir);
  return { config: m.config, lambdas: m.lambdas };
}

const SLICES = `
from keras import Sequential
from keras.layers import Masking, LSTM, Lambda, Dense
N = 5
model = Sequential()
model.add(Masking(mask_value=0., input_shape=(${STEPS}, 3)))
model.add(LSTM(6, return_sequences=True))
model.add(Lambda(lambda x: x[:, N:, :], mask=lambda inputs, previous_mask: previous_mask[:, N:]))
model.add(LSTM(4, return_sequences=True))
model.add(Lambda(lambda x: x[:, 2:], mask=lambda inputs, mask: mask[:, 2:]))
model.add(Dense(2))
model.compile('adam', 'mse')
`;

const STEPWISE = `
import keras
from keras import layers, ops
inp = keras.Input(shape=(${STEPS},))
e = layers.Embedding(20, 6, mask_zero=True)(inp)
h = layers.LSTM(5, return_sequences=True)(e)
s = layers.Lambda(lambda x: ops.tanh(x) * 2.0 + x[..., :1], mask=lambda inputs, previous_mask: previous_mask)(h)
a = layers.GlobalAveragePooling1D()(s)
m = layers.GlobalMaxPooling1D()(s)
out = layers.Dense(2)(layers.Concatenate()([a, m]))
model = keras.Model(inp, out)
model.compile('adam', 'mse')
`;

const CASES = [
  {
    name: 'Masking → LSTM → Lambda(x[:, 5:], mask sliced alike) → LSTM → Lambda(x[:, 2:], mask too) → Dense',
    source: SLICES,
    kind: 'features' as const,
    output: [STEPS - 7, 2],
  },
  {
    name: 'Embedding(mask_zero) → LSTM → Lambda(step by step, mask kept) → GlobalAverage/MaxPooling1D → Dense (functional)',
    source: STEPWISE,
    kind: 'tokens' as const,
    output: [2],
  },
];

for (const c of CASES)
  for (const padding of ['post', 'pre'] as const)
    test(`${c.name}, ${padding}-padded: bucketed equals every timestep run`, async () => {
      const m = await built(c.source);
      const spec = { kind: c.kind, output: c.output, lambdas: m.lambdas };
      const whole = evaluated(m.config, spec, padding, false);
      const bucketed = evaluated(m.config, spec, padding, true);
      assert.deepEqual(bucketed.buckets, { chunks: 3, of: 3, reason: null }, 'every chunk ran in buckets');
      assert.equal(whole.buckets.chunks, 0);
      assertSame(bucketed, whole);
    });

test('the functional model records its Embedding mask as ops, and they keep timesteps apart', async () => {
  const m = await built(STEPWISE);
  const layers = (m.config.config.layers as { class_name: string }[]).map((l) => l.class_name);
  assert.ok(layers.includes('NotEqual'), `recorded: ${layers.join(', ')}`);
});

test('a Lambda or pooling that would see the cut runs whole, and says why', async () => {
  const head = `
from keras import Sequential
from keras import backend as K
from keras.layers import Masking, LSTM, Lambda, Dense, GlobalAveragePooling1D
model = Sequential()
model.add(Masking(mask_value=0., input_shape=(${STEPS}, 3)))
model.add(LSTM(4, return_sequences=True))
`;
  const cases: [string, number[], RegExp][] = [
    // Steps counted from the end: the cut's last steps are not the uncut's.
    [
      'model.add(Lambda(lambda x: x[:, -5:], mask=lambda i, m: m[:, -5:]))',
      [5, 4],
      /Lambda\) slices the time axis other than from a fixed step to the end/,
    ],
    ['model.add(Lambda(lambda x: K.mean(x, axis=1)))', [4], /Lambda\) calls mean along the batch or time axis/],
    // The Lambda drops the mask: the average would count every padded step.
    [
      'model.add(Lambda(lambda x: x * 2))\nmodel.add(GlobalAveragePooling1D())',
      [4],
      /GlobalAveragePooling1D\) receives no mask, so it averages the padding in/,
    ],
  ];
  for (const [tail, output, reason] of cases) {
    const m = await built(`${head}${tail}\nmodel.compile('adam', 'mse')\n`);
    const e = evaluated(m.config, { kind: 'features', output, lambdas: m.lambdas }, 'post', true);
    assert.equal(e.buckets.chunks, 0, tail);
    assert.match(e.buckets.reason ?? '', reason);
  }
});

test('a slice that drops steps makes every cut keep that many more padded steps', () => {
  assert.deepEqual(lengthBuckets([5, 1, 9, 3, 0], 10, 2, 2), [
    { rows: [4, 1], cut: 4 },
    { rows: [3, 0], cut: 8 },
    { rows: [2], cut: 10 },
  ]);
});
