import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, find, layerConfig, model, textAt } from './helpers';

const HEAD = 'import numpy as np\nimport keras\nfrom keras import layers\n';

test('names assigned once, tuple unpacking and arithmetic fold', async () => {
  const a = await analyze(
    `${HEAD}N = 5\ntimesteps, features = 362, 24\nunits = N * 2 + 1\nm = keras.Sequential([layers.Masking(input_shape=(timesteps - N, features)), layers.LSTM(units)])\n`,
  );
  const m = model(a, 'm');
  assert.deepEqual(layerConfig(m, 'input_layer').batch_shape, [null, 357, 24]);
  assert.equal(layerConfig(m, 'lstm').units, 11);
  assert.deepEqual(m.ir.unresolved, []);
});

test('len() of a literal, tuples, floor division, power, negatives', async () => {
  const a = await analyze(
    `${HEAD}vocab = ['a', 'b', 'c']\nshape = (4, 2 ** 3)\nm = keras.Sequential([layers.Embedding(len(vocab) + 1, shape[1] // 2, mask_zero=True, input_shape=shape[:1]), layers.Dense(-(-3))])\n`,
  );
  const m = model(a, 'm');
  assert.equal(layerConfig(m, 'embedding').input_dim, 4);
  assert.equal(layerConfig(m, 'embedding').output_dim, 4);
  assert.deepEqual(layerConfig(m, 'input_layer').batch_shape, [null, 4]);
  assert.equal(layerConfig(m, 'dense').units, 3);
});

test('shapes from inline numpy literals', async () => {
  const a = await analyze(
    `${HEAD}x = np.zeros((32, 20, 3))\ny = np.array([[1, 2, 0, 0]])\nz = np.arange(12).reshape(1, 4, 3)\nm = keras.Sequential([layers.Masking(input_shape=x.shape[1:]), layers.Dense(z.shape[-1])])\nm2 = keras.Sequential([layers.Embedding(5, 2, input_shape=(y.shape[1],))])\n`,
  );
  assert.deepEqual(layerConfig(model(a, 'm'), 'input_layer').batch_shape, [null, 20, 3]);
  assert.equal(layerConfig(model(a, 'm'), 'dense').units, 3);
  assert.deepEqual(layerConfig(model(a, 'm2'), 'input_layer_1').batch_shape, [null, 4]);
});

test('data-dependent sizes become unresolved dimensions with a located diagnostic', async () => {
  const text = `${HEAD}x = np.load('x.npy')\ntimesteps = x.shape[1]\nm = keras.Sequential([layers.Masking(input_shape=(timesteps, x.shape[2])), layers.LSTM(4)])\n`;
  const a = await analyze(text);
  const m = model(a, 'm');
  assert.deepEqual(layerConfig(m, 'input_layer').batch_shape, [null, null, null]);
  assert.deepEqual(
    m.ir.unresolved.map((u) => u.key),
    ['timesteps', 'x.shape[2]'],
  );
  const d = find(m.diagnostics, 'unresolved-shape');
  assert.equal(textAt(text, d.range), 'timesteps');
  assert.equal(d.severity, 'information');
});

test('the user can supply unresolved dimensions', async () => {
  const text = `${HEAD}x = np.load('x.npy')\ntimesteps = x.shape[1]\nm = keras.Sequential([layers.Masking(input_shape=(timesteps, x.shape[2])), layers.LSTM(4)])\n`;
  const a = await analyze(text, 'keras3', { dimensions: { timesteps: 362, 'x.shape[2]': 24 } });
  const m = model(a, 'm');
  assert.deepEqual(layerConfig(m, 'input_layer').batch_shape, [null, 362, 24]);
  assert.deepEqual(m.ir.unresolved, []);
  assert.equal(m.diagnostics.filter((d) => d.code === 'unresolved-shape').length, 0);
});

test('values returned by unknown functions are keyed by the names they are unpacked into', async () => {
  const text = `${HEAD}from data import load\nx, y, timesteps, features = load()\nm = keras.Sequential([layers.Masking(input_shape=(timesteps, features))])\n`;
  const m = model(await analyze(text), 'm');
  assert.deepEqual(
    m.ir.unresolved.map((u) => [u.key, textAt(text, u.range)]),
    [
      ['timesteps', 'timesteps'],
      ['features', 'features'],
    ],
  );
});

test('a known loop unrolls; an if with a known condition takes its branch', async () => {
  const a = await analyze(
    `${HEAD}sizes = [64, 32]\nstack = True\nm = keras.Sequential()\nfor s in sizes:\n    m.add(layers.LSTM(s, return_sequences=True))\nif not stack:\n    m.add(layers.Dense(9))\nelse:\n    m.add(layers.Dense(1))\n`,
  );
  const m = model(a, 'm');
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.className]),
    [
      ['lstm', 'LSTM'],
      ['lstm_1', 'LSTM'],
      ['dense', 'Dense'],
    ],
  );
  assert.equal(layerConfig(m, 'lstm_1').units, 32);
  assert.equal(layerConfig(m, 'dense').units, 1);
});

test('an undecidable condition is read as true and says so', async () => {
  const text = `${HEAD}import sys\nm = keras.Sequential()\nif sys.argv[1] == 'mask':\n    m.add(layers.Masking(input_shape=(3, 2)))\nm.add(layers.LSTM(2))\n`;
  const a = await analyze(text);
  assert.equal(model(a, 'm').layers.length, 3);
  const d = find(a.diagnostics, 'unsupported-construct');
  assert.equal(textAt(text, d.range), "sys.argv[1] == 'mask'");
});

test('list comprehensions over known values build layer lists', async () => {
  const a = await analyze(`${HEAD}m = keras.Sequential([layers.Dense(n) for n in (8, 4, 1)])\n`);
  assert.deepEqual(
    model(a, 'm').layers.map((l) => l.name),
    ['dense', 'dense_1', 'dense_2'],
  );
});

test('functions called with arguments are followed; uncalled model builders are read as templates', async () => {
  const a = await analyze(
    `${HEAD}def build(units, t=10):\n    model = keras.Sequential()\n    model.add(layers.Masking(input_shape=(t, 3)))\n    model.add(layers.LSTM(units))\n    return model\n\nmodel_a = build(4)\n\ndef unused(units):\n    net = keras.Sequential([layers.Dense(units)])\n    return net\n`,
  );
  const built = model(a, 'model_a');
  assert.equal(layerConfig(built, 'lstm').units, 4);
  assert.deepEqual(layerConfig(built, 'input_layer').batch_shape, [null, 10, 3]);
  const template = model(a, 'net');
  assert.equal(layerConfig(template, 'dense').units, null);
  assert.deepEqual(
    template.ir.unresolved.map((u) => u.key),
    ['units'],
  );
});

test('arrays changed in place are not inline data any more; their shape still folds', async () => {
  const src = `${HEAD}x = np.zeros((2, 5, 3), dtype="float32")\nx[0, :3] = 1.0\ny = np.ones((2, 5, 1))\ny[1] += 1\nz = np.zeros((2, 5, 1))\nm = keras.Sequential([layers.Masking(input_shape=x.shape[1:]), layers.Dense(1)])\nm.compile(loss="mse")\nm.fit(x, y)\nm.evaluate(x, z)\n`;
  const a = await analyze(src);
  assert.deepEqual(layerConfig(model(a, 'm'), 'input_layer').batch_shape, [null, 5, 3]);
  assert.equal(a.inlineData.x, undefined, 'x was changed after np.zeros: its zeros are not its values');
  assert.equal(a.inlineData.y, undefined, 'y was changed by y[1] += 1');
  assert.deepEqual(a.inlineData.z, { op: 'zeros', shape: [2, 5, 1], dtype: 'float64' });
});

test('a traced subclassed model takes its input shape from the array it is fit on', async () => {
  const src = `${HEAD}class R(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.mask = layers.Masking()\n        self.out = layers.Dense(1)\n    def call(self, x):\n        return self.out(self.mask(x))\n\nm = R()\nm.compile(loss="mse")\nm.fit(np.zeros((4, 7, 3)), np.zeros((4, 7, 1)))\n`;
  const a = await analyze(src);
  const input = (
    model(a, 'm').ir.config.config.layers as { class_name: string; config: { batch_shape?: unknown } }[]
  ).find((l) => l.class_name === 'InputLayer');
  assert.deepEqual(input?.config.batch_shape, [null, 7, 3]);
});
