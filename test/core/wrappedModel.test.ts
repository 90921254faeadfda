import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../src/core/ir';
import { analyze, layerConfig, model } from './helpers';

const SOURCE = `import keras
from keras import layers
words = keras.Input(shape=(5,))
encoder = keras.Model(words, layers.GRU(3)(layers.Embedding(7, 4, mask_zero=True)(words)))
doc = keras.Input(shape=(3, 5))
model = keras.Model(doc, layers.Dense(1)(layers.LSTM(2)(layers.TimeDistributed(encoder)(doc))))
`;

test('a model wrapped in TimeDistributed is written with its whole config, so it can be rebuilt and run', async () => {
  for (const family of ['keras3', 'tf-keras2'] as const) {
    const wrapped = layerConfig(model(await analyze(SOURCE, family), 'model'), 'time_distributed').layer as {
      class_name: string;
      config: JsonObject;
    };
    assert.equal(wrapped.class_name, 'Functional', family);
    // Keras 3 also lists the op that computes the mask it records for the GRU call.
    const inner = (wrapped.config.layers as { class_name: string }[])
      .map((l) => l.class_name)
      .filter((c) => c !== 'NotEqual');
    assert.deepEqual(inner, ['InputLayer', 'Embedding', 'GRU'], family);
    assert.ok(Array.isArray(wrapped.config.input_layers) && wrapped.config.input_layers.length > 0, family);
  }
});
