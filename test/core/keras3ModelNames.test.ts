import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, model } from './helpers';

// Keras 3.15.1 names these models sequential, sequential_1, functional_4, functional_5: each
// rebuild of a Sequential that starts with an Input (after its list, after each add(), and a
// held block built on its first call) takes a `functional` name first.
const SOURCE = `import keras
from keras import layers
class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.ffn = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    def call(self, x):
        return self.ffn(x)
a = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
b = keras.Sequential()
b.add(keras.Input(shape=(3,)))
b.add(layers.Dense(2))
b.add(layers.Dense(2))
inp = keras.Input(shape=(3,))
c = keras.Model(inp, Block()(inp))
d = keras.Model(inp, layers.Dense(1)(inp))
`;

test('Keras 3 names functional models after the Sequential rebuilds before them', async () => {
  const a = await analyze(SOURCE);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((v) => model(a, v).ir.config.config.name),
    ['sequential', 'sequential_1', 'functional_4', 'functional_5'],
  );
  const tf = await analyze(SOURCE, 'tf-keras2');
  assert.deepEqual(
    ['c', 'd'].map((v) => model(tf, v).ir.config.config.name),
    ['model', 'model_1'],
  );
});
