import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph } from '../../src/core/graph/fromConfig';
import type { KerasModelConfig } from '../../src/core/ir';
import { analyze, model } from './helpers';

const SOURCE = `import keras
from keras import layers
tokens = keras.Input(shape=(6,), name="tokens")
extra = keras.Input(shape=(6, 2), name="extra")
x = layers.Concatenate()([layers.Embedding(9, 2, mask_zero=True)(tokens), extra])
model = keras.Model({"zz_tokens": tokens, "aa_extra": extra}, layers.LSTM(3)(x))
`;

test('a functional model whose inputs are a dict: its inputs, in the sorted key order Keras flattens them in', async () => {
  for (const family of ['keras3', 'tf-keras2'] as const) {
    const graph = buildGraph(model(await analyze(SOURCE, family), 'model').ir.config as KerasModelConfig);
    assert.equal(graph.connections, 'config', family);
    assert.deepEqual(
      graph.inputs.map((i) => i.name),
      ['extra', 'tokens'],
      family,
    );
    assert.ok(graph.nodes.length > 0, family);
  }
});
