import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyze, connections, layerConfig, masks, model, names } from './helpers';

const HEAD = 'import keras\nfrom keras import layers\n';

test('Sequential with .add: implicit InputLayer from input_shape, Keras 3 names', async () => {
  const a = await analyze(
    `${HEAD}model = keras.Sequential()\nmodel.add(layers.Masking(mask_value=0., input_shape=(20, 3)))\nmodel.add(layers.LSTM(100, return_sequences=True, input_shape=(20, 3)))\nmodel.add(layers.Dropout(0.5))\nmodel.add(layers.Dense(1, activation='sigmoid'))\n`,
  );
  const m = model(a, 'model');
  assert.equal(m.ir.kind, 'sequential');
  assert.equal(m.ir.config.class_name, 'Sequential');
  assert.equal(m.ir.config.config.name, 'sequential');
  assert.deepEqual(names(m), [
    ['InputLayer', 'input_layer'],
    ['Masking', 'masking'],
    ['LSTM', 'lstm'],
    ['Dropout', 'dropout'],
    ['Dense', 'dense'],
  ]);
  assert.deepEqual(layerConfig(m, 'input_layer').batch_shape, [null, 20, 3]);
  assert.equal(layerConfig(m, 'lstm').return_sequences, true);
  assert.equal(layerConfig(m, 'lstm').units, 100);
  assert.equal(layerConfig(m, 'dense').activation, 'sigmoid');
  assert.equal(layerConfig(m, 'dropout').rate, 0.5);
  assert.deepEqual(masks(m), {
    input_layer: [false, false],
    masking: [false, true],
    lstm: [true, true],
    dropout: [true, true],
    dense: [true, true],
  });
  assert.equal(m.lossMasked, 'yes');
});

test('Sequential from a list, keras.Input first, name=', async () => {
  const a = await analyze(
    `${HEAD}m = keras.Sequential([keras.Input(shape=(6,), dtype='int32'), layers.Embedding(12, 4, mask_zero=True), layers.Flatten(), layers.Dense(1)], name='clf')\n`,
  );
  const m = model(a, 'm');
  assert.equal(m.ir.config.config.name, 'clf');
  assert.deepEqual(names(m), [
    ['InputLayer', 'input_layer'],
    ['Embedding', 'embedding'],
    ['Flatten', 'flatten'],
    ['Dense', 'dense'],
  ]);
  assert.equal(layerConfig(m, 'input_layer').dtype, 'int32');
  assert.deepEqual(masks(m).flatten, [true, false]);
  assert.equal(m.lossMasked, 'no');
});

test('tf.keras names: input_1, <layer>_input, model', async () => {
  const a = await analyze(
    `import tensorflow as tf\nL = tf.keras.layers\nx = tf.keras.Input(shape=(4,))\nm = tf.keras.Model(x, L.Dense(2)(L.Embedding(5, 3, mask_zero=True)(x)))\ns = tf.keras.Sequential([L.Masking(input_shape=(3, 2)), L.LSTM(2)])\n`,
    'tf-keras2',
  );
  assert.equal(model(a, 'm').ir.config.config.name, 'model');
  assert.deepEqual(names(model(a, 'm'))[0], ['InputLayer', 'input_1']);
  assert.deepEqual(names(model(a, 's')), [
    ['InputLayer', 'masking_input'],
    ['Masking', 'masking'],
    ['LSTM', 'lstm'],
  ]);
});

test('functional: multiple inputs and outputs, Keras 3 history format', async () => {
  const a = await analyze(
    `${HEAD}a = keras.Input(shape=(5,), name='a')\nb = keras.Input(shape=(5, 3))\nea = layers.Embedding(10, 3, mask_zero=True)(a)\nc = layers.Concatenate()([ea, b])\nh = layers.LSTM(4, return_sequences=True)(c)\no1 = layers.Dense(1, name='tags')(h)\no2 = layers.GlobalAveragePooling1D()(h)\nm = keras.Model(inputs=[a, b], outputs=[o1, o2])\n`,
  );
  const m = model(a, 'm');
  assert.equal(m.ir.kind, 'functional');
  assert.deepEqual(m.ir.config.config.input_layers, [
    ['a', 0, 0],
    ['input_layer', 0, 0],
  ]);
  assert.deepEqual(m.ir.config.config.output_layers, [
    ['tags', 0, 0],
    ['global_average_pooling1d', 0, 0],
  ]);
  const c = connections(m);
  assert.deepEqual(c.concatenate, [
    [
      ['embedding', 0, 0],
      ['input_layer', 0, 0],
    ],
  ]);
  assert.deepEqual(c.tags, [[['lstm', 0, 0]]]);
  // Keras 3 records the mask bookkeeping ops and passes the mask to the LSTM explicitly.
  assert.ok(names(m).some(([cls, name]) => cls === 'NotEqual' && name === 'not_equal'));
  assert.deepEqual(masks(m).concatenate, [true, true]);
  assert.deepEqual(masks(m).global_average_pooling1d, [true, false]);
});

test('shared layers: one layer, several nodes, re-indexed per model', async () => {
  const a = await analyze(
    `${HEAD}x1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\nshared = layers.Dense(3)\ny = layers.Add()([shared(x1), shared(x2)])\nm = keras.Model([x1, x2], y)\n`,
  );
  const m = model(a, 'm');
  const c = connections(m);
  assert.deepEqual(c.dense, [[['input_layer', 0, 0]], [['input_layer_1', 0, 0]]]);
  assert.deepEqual(c.add, [
    [
      ['dense', 0, 0],
      ['dense', 1, 0],
    ],
  ]);
});

test('nested models as layers, in Sequential and functional models', async () => {
  const a = await analyze(
    `${HEAD}encoder = keras.Sequential([layers.Input(shape=(7,)), layers.Embedding(15, 4, mask_zero=True), layers.LSTM(5, return_sequences=True)], name='encoder')\ninp = keras.Input(shape=(7,))\nout = layers.TimeDistributed(layers.Dense(2))(encoder(inp))\nmodel = keras.Model(inp, out)\nstack = keras.Sequential([encoder, layers.Dense(1)])\n`,
  );
  const m = model(a, 'model');
  assert.deepEqual(names(m), [
    ['InputLayer', 'input_layer_1'],
    ['Sequential', 'encoder'],
    ['TimeDistributed', 'time_distributed'],
  ]);
  assert.deepEqual(masks(m).encoder, [false, true]);
  assert.deepEqual(masks(m).time_distributed, [true, true]);
  assert.equal(m.lossMasked, 'yes');
  const nested = (
    m.ir.config.config.layers[1] as unknown as { config: { layers: { class_name: string }[] } }
  ).config.layers.map((l) => l.class_name);
  assert.deepEqual(nested, ['InputLayer', 'Embedding', 'LSTM']);
  assert.deepEqual(names(model(a, 'stack')), [
    ['Sequential', 'encoder'],
    ['Dense', 'dense_1'],
  ]);
});

test('LSTM return_state: several outputs, tensor indices', async () => {
  const a = await analyze(
    `${HEAD}x = keras.Input(shape=(5, 2))\nseq, h, c = layers.LSTM(3, return_sequences=True, return_state=True)(layers.Masking()(x))\nm = keras.Model(x, [seq, h, c])\n`,
  );
  const m = model(a, 'm');
  assert.deepEqual(m.ir.config.config.output_layers, [
    ['lstm', 0, 0],
    ['lstm', 0, 1],
    ['lstm', 0, 2],
  ]);
});

test('subclassed model: __init__ layers named in order, a linear call() traced', async () => {
  const a = await analyze(
    `${HEAD}class Tagger(keras.Model):\n    def __init__(self, vocab=20):\n        super().__init__()\n        self.emb = layers.Embedding(vocab, 8, mask_zero=True)\n        self.rnn = layers.GRU(8, return_sequences=True)\n        self.out = layers.Dense(3)\n\n    def call(self, x):\n        x = self.emb(x)\n        x = self.rnn(x)\n        return self.out(x)\n\nmodel = Tagger()\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n`,
  );
  const m = model(a, 'model');
  assert.equal(m.ir.kind, 'subclassed');
  assert.equal(m.ir.config.class_name, 'Tagger');
  assert.equal(m.ir.config.config.name, 'tagger');
  assert.deepEqual(
    m.layers.map((l) => l.name),
    ['embedding', 'gru', 'dense'],
  );
  assert.equal(layerConfig(m, 'embedding').input_dim, 20);
  assert.deepEqual(masks(m).dense, [true, true]);
  assert.equal(m.loss, 'sparse_categorical_crossentropy');
  assert.equal(m.lossMasked, 'yes');
});

test('subclassed model with a call() MaskLens cannot follow says so', async () => {
  const a = await analyze(
    `${HEAD}class M(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.d = layers.Dense(2)\n    def call(self, x):\n        return some_op(x)\n\nm = M()\n`,
  );
  const m = model(a, 'm');
  assert.ok(m.diagnostics.some((d) => d.code === 'unsupported-construct' && d.message.includes('call()')));
});

test('compile, fit, evaluate and predict arguments', async () => {
  const a = await analyze(
    `${HEAD}import numpy as np\nm = keras.Sequential([layers.Dense(1, input_shape=(3,))])\nm.compile('adam', 'mae', sample_weight_mode='temporal')\nm.fit(x_train, y_train, 16, 5, validation_data=(x_val, y_val), sample_weight=w)\nm.evaluate(x_test, y_test, batch_size=4)\nm.predict(x_new)\n`,
  );
  const t = model(a, 'm').ir.training;
  assert.equal(t.loss, 'mae');
  assert.equal(t.optimizer, 'adam');
  assert.equal(t.sampleWeightMode, 'temporal');
  assert.equal(t.batchSize, 16);
  assert.equal(t.epochs, 5);
  assert.deepEqual(t.fitArgs, {
    x: 'x_train',
    y: 'y_train',
    sampleWeight: 'w',
    validationData: ['x_val', 'y_val'],
    validationSplit: null,
  });
  assert.deepEqual(t.evaluateArgs, { x: 'x_test', y: 'y_test' });
  assert.deepEqual(t.predictArgs, { x: 'x_new' });
});

test('loss and optimizer objects', async () => {
  const a = await analyze(
    `${HEAD}m = keras.Sequential([layers.Dense(1, input_shape=(3,))])\nm.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=keras.losses.MeanSquaredError())\n`,
  );
  const m = model(a, 'm');
  assert.deepEqual(m.ir.training.optimizer, {
    module: 'keras.optimizers',
    class_name: 'Adam',
    config: { learning_rate: 0.01 },
    registered_name: null,
  });
  assert.equal(m.loss, 'mean_squared_error');
});

test('every listed layer class maps its arguments to Keras config keys', async () => {
  const a = await analyze(
    `${HEAD}x = keras.Input(shape=(10, 4))\ny = layers.Conv1D(8, 3, padding='same', activation='relu')(x)\ny = layers.MaxPooling1D(2)(y)\ny = layers.SpatialDropout1D(0.2)(y)\ny = layers.BatchNormalization(momentum=0.9)(y)\ny = layers.LayerNormalization(epsilon=1e-5)(y)\ny = layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode='sum')(y)\ny = layers.TimeDistributed(layers.Dense(3, kernel_initializer='he_normal'))(y)\ny = layers.Activation('tanh')(y)\ny = layers.Permute((2, 1))(y)\ny = layers.Reshape((15,))(y)\ny = layers.RepeatVector(2)(y)\ny = layers.SimpleRNN(2, return_sequences=True)(y)\ny = layers.GlobalMaxPooling1D()(y)\nm = keras.Model(x, y)\n`,
  );
  const m = model(a, 'm');
  assert.deepEqual(layerConfig(m, 'conv1d').kernel_size, [3]);
  assert.equal(layerConfig(m, 'conv1d').padding, 'same');
  assert.deepEqual(layerConfig(m, 'max_pooling1d').strides, [2]);
  assert.equal(layerConfig(m, 'spatial_dropout1d').rate, 0.2);
  assert.equal(layerConfig(m, 'batch_normalization').momentum, 0.9);
  assert.equal(layerConfig(m, 'layer_normalization').epsilon, 1e-5);
  const bi = layerConfig(m, 'bidirectional');
  assert.equal(bi.merge_mode, 'sum');
  assert.deepEqual((bi.layer as { config: { name: string } }).config.name, 'forward_gru');
  assert.deepEqual((bi.backward_layer as { config: { go_backwards: boolean } }).config.go_backwards, true);
  assert.equal(
    (layerConfig(m, 'time_distributed').layer as { config: { kernel_initializer: { class_name: string } } }).config
      .kernel_initializer.class_name,
    'HeNormal',
  );
  assert.deepEqual(layerConfig(m, 'permute').dims, [2, 1]);
  assert.deepEqual(layerConfig(m, 'reshape').target_shape, [15]);
  assert.equal(layerConfig(m, 'repeat_vector').n, 2);
});

test('unknown layers stay as opaque nodes with a diagnostic', async () => {
  const a = await analyze(
    `${HEAD}x = keras.Input(shape=(8, 8, 1))\ny = layers.Conv2D(4, 3)(x)\nm = keras.Model(x, layers.Flatten()(y))\n`,
  );
  const m = model(a, 'm');
  assert.deepEqual(names(m)[1], ['Conv2D', 'conv2d']);
  assert.ok(m.diagnostics.some((d) => d.code === 'unknown-layer' && d.message.includes('Conv2D')));
});

test('inline data passed to evaluate/predict is available to the runtime (seed 001)', async () => {
  const a = await analyze(readFileSync('examples/seed001_embedding_dense_mse.py', 'utf8'));
  assert.deepEqual(a.inlineData.data_in, { op: 'array', value: [[1, 2, 0, 0]], dtype: 'int64' });
  const out = a.inlineData.data_out;
  assert.equal(out?.op, 'array');
  assert.deepEqual(out?.op === 'array' ? out.value : null, [
    [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [9, 10, 11],
    ],
  ]);
});

test("fit's validation: validation_split, or validation_data the source writes", async () => {
  const { sourceValidation } = await import('../../src/core/data/sourceData');
  const base = `${HEAD}import numpy as np\nm = keras.Sequential([layers.Masking(input_shape=(4, 1)), layers.Dense(1)])\nm.compile(loss="mse")\nx = np.zeros((3, 4, 1))\ny = np.ones((3, 4, 1))\nxv = np.ones((2, 4, 1))\nyv = np.zeros((2, 4, 1))\n`;
  const split = await analyze(`${base}m.fit(x, y, validation_split=0.25)\n`);
  assert.deepEqual(sourceValidation(split, model(split, 'm').ir), { split: 0.25 });
  const data = await analyze(`${base}m.fit(x, y, validation_data=(xv, yv))\n`);
  assert.deepEqual(sourceValidation(data, model(data, 'm').ir), {
    data: {
      source: 'inline',
      x: { expr: { op: 'ones', shape: [2, 4, 1], dtype: 'float64' } },
      y: { expr: { op: 'zeros', shape: [2, 4, 1], dtype: 'float64' } },
      description: 'validation_data=(xv, yv)',
    },
  });
  const none = await analyze(`${base}m.fit(x, y)\n`);
  assert.equal(sourceValidation(none, model(none, 'm').ir), undefined);
});
