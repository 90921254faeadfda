/**
 * Shapes the code states for a model whose config declares no input: Keras 3's Embedding
 * `input_length=` (which Keras itself ignores), the padded arrays fit is given, and the token
 * ids an Embedding takes; and pad_sequences over sequences of feature vectors, which is 3-D.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, model } from './helpers';

test("a Sequential without an input: input_length, then the padded array fit is given, then the Embedding's token ids", async () => {
  const a = await analyze(`import keras
from keras.preprocessing.sequence import pad_sequences
MAX_LEN = 40
x_train = pad_sequences(load_sequences(), maxlen=MAX_LEN)
model = keras.Sequential([keras.layers.Embedding(100, 8, input_length=MAX_LEN, mask_zero=True), keras.layers.LSTM(4), keras.layers.Dense(1)])
model.compile(loss='mse', optimizer='adam')
model.fit(x_train, y_train)
bare = keras.Sequential([keras.layers.Embedding(100, 8), keras.layers.GRU(2)])
`);
  assert.deepEqual(model(a, 'model').ir.statedInputs, [
    { shape: [null, 40], from: 'input_length=MAX_LEN' },
    { shape: [null, 40], from: '`x_train` of shape (None, 40)' },
    { shape: [null, null], from: 'the Embedding it starts with, which takes token ids of shape (batch, timesteps)' },
  ]);
  assert.deepEqual(model(a, 'bare').ir.statedInputs, [
    { shape: [null, null], from: 'the Embedding it starts with, which takes token ids of shape (batch, timesteps)' },
  ]);
});

test('a model with a declared input states nothing more', async () => {
  const a = await analyze(
    `import keras\nmodel = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Embedding(10, 2)])\n`,
  );
  assert.equal(model(a, 'model').ir.statedInputs, undefined);
});

test('pad_sequences over sequences of feature vectors is (samples, maxlen, features)', async () => {
  const a = await analyze(`import keras
from keras.utils import pad_sequences
frames = [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8, 0.9]]]
x = pad_sequences(frames, dtype='float32', padding='post')
model = keras.Sequential([keras.layers.Masking(), keras.layers.LSTM(2)])
model.fit(x, y)
`);
  assert.deepEqual(model(a, 'model').ir.statedInputs, [{ shape: [null, 2, 3], from: '`x` of shape (2, 2, 3)' }]);
});
