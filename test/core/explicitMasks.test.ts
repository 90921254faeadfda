/**
 * Masks passed explicitly (`layer(x, mask=...)`), built from tensor operations: in functional
 * code (tf.keras wraps a TensorFlow function in a TFOpLambda layer; Keras 3 records a Keras
 * operation and raises on a TensorFlow function) and in a subclassed model's `call`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, find, masks, model, names } from './helpers';

const FUNCTIONAL = (mask: string, head = 'import tensorflow as tf') => `${head}
inputs = tf.keras.Input(shape=(12,), dtype='int32')
mask = ${mask}
x = tf.keras.layers.Embedding(50, 8)(inputs)
x = tf.keras.layers.GRU(6, return_sequences=True)(x, mask=mask)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(3, activation='softmax')(x))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
`;

test('tf.keras: mask=tf.math.not_equal(ids, 0) is a TFOpLambda layer, and the GRU and the loss get the mask', async () => {
  const a = await analyze(FUNCTIONAL('tf.math.not_equal(inputs, 0)'), 'tf-keras2');
  const m = model(a, 'model');
  assert.deepEqual(names(m), [
    ['InputLayer', 'input_1'],
    ['Embedding', 'embedding'],
    ['TFOpLambda', 'tf.math.not_equal'],
    ['GRU', 'gru'],
    ['Dense', 'dense'],
  ]);
  assert.equal(m.ir.config.config.layers[2]?.config.function, 'math.not_equal');
  assert.deepEqual(masks(m).gru, [true, true]);
  assert.equal(m.lossMasked, 'yes');
});

test("tf.keras: `inputs != 0` is a TFOpLambda of TensorFlow's operator symbol", async () => {
  const m = model(await analyze(FUNCTIONAL('inputs != 0'), 'tf-keras2'), 'model');
  assert.deepEqual(names(m)[2], ['TFOpLambda', 'tf.__operators__.ne']);
  assert.equal(m.lossMasked, 'yes');
});

test('Keras 3: a TensorFlow function on a KerasTensor raises, and MaskLens says so', async () => {
  const a = await analyze(FUNCTIONAL('tf.math.not_equal(inputs, 0)'));
  assert.deepEqual(a.models, []);
  assert.match(
    find(a.diagnostics, 'keras-error').message,
    /Keras 3\.15\.1 raises ValueError: A KerasTensor cannot be used as input to a TensorFlow function .*keras\.ops\.not_equal/,
  );
});

test('Keras 3: mask=keras.ops.not_equal(ids, 0) is an operation of the graph, and the GRU uses it', async () => {
  const m = model(
    await analyze(FUNCTIONAL('keras.ops.not_equal(inputs, 0)', 'import tensorflow as tf\nimport keras')),
    'model',
  );
  const notEqual = m.ir.config.config.layers.find((l) => l.class_name === 'NotEqual');
  assert.ok(notEqual, `no NotEqual operation in ${names(m).join(' ')}`);
  assert.deepEqual(masks(m).gru, [true, true]);
  assert.equal(m.lossMasked, 'yes');
});

test('a subclassed call that builds its mask from the input and passes it to the LSTM', async () => {
  const source = `import tensorflow as tf
class Net(tf.keras.Model):
    def __init__(self, pad):
        super().__init__()
        self.pad = pad
        self.lstm = tf.keras.layers.LSTM(8, return_sequences=True)
        self.out = tf.keras.layers.Dense(1)
    def call(self, x):
        mask = tf.math.reduce_any(x != self.pad, axis=2)
        return self.out(self.lstm(x, mask=mask))
model = Net(-10.0)
model.compile(optimizer='adam', loss='mae')
`;
  for (const family of ['keras3', 'tf-keras2'] as const) {
    const m = model(await analyze(source, family), 'model');
    assert.deepEqual(masks(m).lstm, [true, true], family);
    assert.equal(m.lossMasked, 'yes', family);
  }
});
