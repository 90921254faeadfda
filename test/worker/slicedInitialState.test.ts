/**
 * A slice of a symbolic tensor (`enc[:, -1, :]`) read from source: recorded as real Keras
 * records it (Keras 3's GetItem, tf.keras 2's SlicingOpLambda), and evaluate on the model read
 * from source gives Keras' number (the runtime fixture of the same model, recorded by real
 * Keras with the same weights and data). States the reader cannot follow are refused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import type { JsonValue, KerasFamily } from '../../src/core/ir';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { UserFacingError } from '../../src/core/protocol/task';
import { runTask } from '../../src/worker/registry';
import { analyze, layers, model } from '../core/helpers';
import { ctx } from './helpers';

/** test/golden/runtime_cases.py build_last_step_slice_initial_state, as a file writes it. */
const source = (index: string) => `import keras
from keras import layers as L
enc_in, dec_in = L.Input(shape=(7,)), L.Input(shape=(6,))
enc = L.LSTM(4, return_sequences=True, unroll=True)(L.Embedding(8, 5, mask_zero=True)(enc_in))
last = enc[:, ${index}, :]
dec = L.LSTM(4, return_sequences=True, unroll=True)(L.Embedding(6, 5, mask_zero=True)(dec_in), initial_state=[last, last])
attention = L.Activation("softmax")(L.Dot(axes=[2, 2])([dec, enc]))
context = L.Dot(axes=[2, 1])([attention, enc])
model = keras.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(L.Concatenate()([context, dec])))
model.compile("adam", "sparse_categorical_crossentropy")
`;

interface Arr {
  shape: number[];
  dtype: string;
  values: number[];
}
interface ConfigLayer {
  class_name: string;
  inbound_nodes: JsonValue[];
}
interface Fixture {
  inputs: Arr[];
  targets: Arr;
  weights: { layer: string; weights: (Arr & { name: string })[] }[];
  kerasEvaluate: number;
  config: { config: { layers: ConfigLayer[] } };
}

const SLICE: Record<KerasFamily, string> = { keras3: 'GetItem', 'tf-keras2': 'SlicingOpLambda' };

function fixture(family: KerasFamily): Fixture {
  const file = join(
    __dirname,
    '..',
    'golden',
    'fixtures',
    'runtime',
    `encoder_last_step_slice_initial_state.${family}.json`,
  );
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

/** The key a slice node records: Keras 3's second argument, tf.keras' slice_spec. */
function recordedKey(node: JsonValue): JsonValue {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const kwargs = node.kwargs;
    const spec = kwargs && typeof kwargs === 'object' && !Array.isArray(kwargs) ? kwargs.slice_spec : undefined;
    return spec ?? (Array.isArray(node.args) ? (node.args[1] ?? null) : null);
  }
  const call = Array.isArray(node) && Array.isArray(node[0]) ? node[0] : node;
  const kwargs = Array.isArray(call) ? call[3] : null;
  return kwargs && typeof kwargs === 'object' && !Array.isArray(kwargs) ? (kwargs.slice_spec ?? null) : null;
}

for (const family of ['keras3', 'tf-keras2'] as const) {
  test(`${family}: enc[:, -1, :] is recorded as Keras records it, and evaluate equals Keras with it as initial_state`, async () => {
    const fx = fixture(family);
    const m = model(await analyze(source('-1'), family), 'model');
    const mine = layers(m).find((l) => l.class_name === SLICE[family]);
    const keras = fx.config.config.layers.find((l) => l.class_name === SLICE[family]);
    assert.ok(mine && keras, `a ${SLICE[family]} in both`);
    assert.deepEqual(recordedKey((mine.inbound_nodes ?? [])[0] as JsonValue), recordedKey(keras.inbound_nodes[0]));
    const result = await runTask(
      {
        kind: 'evaluate',
        model: { ...runtimeModelOf(m.ir), training: { ...runtimeModelOf(m.ir).training, batchSize: 3 } },
        family,
        data: { source: 'inline', x: fx.inputs, y: fx.targets },
        weights: { source: 'inline', layers: fx.weights },
        layerOutputs: false,
      },
      ctx,
    );
    assert.equal(result.kind, 'evaluate');
    const loss = result.kind === 'evaluate' ? result.loss?.keras.value : undefined;
    assert.ok(loss !== undefined);
    assert.ok(Math.abs(loss - fx.kerasEvaluate) <= 1e-5 * Math.abs(fx.kerasEvaluate), `${loss} vs ${fx.kerasEvaluate}`);
  });

  test(`${family}: states sliced with an index the reader cannot know are refused, not replaced by zeros`, async () => {
    const m = model(await analyze(`import sys\nstep = int(sys.argv[1])\n${source('step')}`, family), 'model');
    await assert.rejects(
      runTask(
        {
          kind: 'evaluate',
          model: runtimeModelOf(m.ir),
          family,
          data: { source: 'synthetic', samples: 2, minLength: 1, maxLength: 0, padding: 'post', seed: 1, timesteps: 7 },
        },
        ctx,
      ),
      (e: unknown) => {
        assert.ok(e instanceof UserFacingError, String(e));
        assert.match(e.message, /^LSTM 'lstm_1': initial_state= is given states MaskLens could not follow/);
        return true;
      },
    );
  });
}
