import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonical } from '../../src/core/interpreter/imports';
import { analyze, model, names } from './helpers';

test('canonical names fold every Keras spelling into one', () => {
  assert.equal(canonical('tensorflow.keras.layers.LSTM'), 'keras.layers.LSTM');
  assert.equal(canonical('tensorflow.python.keras.layers.Dense'), 'keras.layers.Dense');
  assert.equal(canonical('tf_keras.layers.Masking'), 'keras.layers.Masking');
  assert.equal(canonical('keras.src.layers.rnn.lstm.LSTM'), 'keras.layers.LSTM');
  assert.equal(canonical('keras.layers.recurrent.LSTM'), 'keras.layers.LSTM');
  assert.equal(canonical('keras.layers.core.Dense'), 'keras.layers.Dense');
  assert.equal(canonical('keras.engine.sequential.Sequential'), 'keras.models.Sequential');
  assert.equal(canonical('keras.preprocessing.sequence.pad_sequences'), 'keras.utils.pad_sequences');
  assert.equal(canonical('numpy.zeros'), 'numpy.zeros');
});

const BODY = (prefix: string): string =>
  `m = ${prefix}Sequential()\nm.add(${prefix.replace('models.', 'layers.')}LSTM(3))\n`;

const STYLES: [string, string][] = [
  ['import keras', `import keras\nm = keras.Sequential()\nm.add(keras.layers.LSTM(3))\n`],
  [
    'import tensorflow as tf (tf.keras)',
    `import tensorflow as tf\nm = tf.keras.Sequential()\nm.add(tf.keras.layers.LSTM(3))\n`,
  ],
  [
    'from tensorflow import keras',
    `from tensorflow import keras\nm = keras.models.Sequential()\nm.add(keras.layers.LSTM(3))\n`,
  ],
  ['from keras import layers', `from keras import layers, Sequential\nm = Sequential()\nm.add(layers.LSTM(3))\n`],
  [
    'from keras.layers import LSTM as L',
    `from keras.models import Sequential\nfrom keras.layers import LSTM as L\nm = Sequential()\nm.add(L(3))\n`,
  ],
  ['import keras.layers as KL', `import keras\nimport keras.layers as KL\nm = keras.Sequential()\nm.add(KL.LSTM(3))\n`],
  [
    'from tensorflow.keras.models import Sequential, Model',
    `from tensorflow.keras.models import Sequential, Model\nfrom tensorflow.keras.layers import LSTM\nm = Sequential()\nm.add(LSTM(3))\n`,
  ],
  [
    'from tensorflow.keras import layers as L',
    `from tensorflow.keras import layers as L, models\nm = models.Sequential()\nm.add(L.LSTM(3))\n`,
  ],
  ['import tf_keras', `import tf_keras\n${BODY('tf_keras.models.')}`],
  [
    'from keras.layers import *',
    `from keras.layers import *\nfrom keras.models import *\nm = Sequential()\nm.add(LSTM(3))\n`,
  ],
  [
    'old submodule paths',
    `from keras.layers.recurrent import LSTM\nfrom keras.models import Sequential\nm = Sequential()\nm.add(LSTM(3))\n`,
  ],
];

for (const [title, source] of STYLES) {
  test(`import style: ${title}`, async () => {
    const a = await analyze(source);
    assert.deepEqual(names(model(a, 'm')), [['LSTM', 'lstm']]);
  });
}

test('keras.Input and layers.Input both create an InputLayer', async () => {
  for (const spelling of ['keras.Input', 'keras.layers.Input', 'layers.Input']) {
    const a = await analyze(
      `import keras\nfrom keras import layers\nx = ${spelling}(shape=(4,))\ny = layers.Dense(2)(x)\nm = keras.Model(x, y)\n`,
    );
    assert.deepEqual(names(model(a, 'm')), [
      ['InputLayer', 'input_layer'],
      ['Dense', 'dense'],
    ]);
  }
});

test('a name that shadows an import is the local value', async () => {
  const a = await analyze(
    `from keras.layers import Dense\nimport keras\nDense = keras.layers.LSTM\nm = keras.Sequential([Dense(3)])\n`,
  );
  assert.deepEqual(names(model(a, 'm')), [['LSTM', 'lstm']]);
});

test('names Keras 2 exported from keras.models and keras.engine fold into keras.layers', () => {
  assert.equal(canonical('keras.models.Input'), 'keras.layers.Input');
  assert.equal(canonical('tensorflow.keras.models.Input'), 'keras.layers.Input');
  assert.equal(canonical('keras.engine.input_layer.Input'), 'keras.layers.Input');
  assert.equal(canonical('keras.engine.topology.Layer'), 'keras.layers.Layer');
  assert.equal(canonical('keras.engine.Layer'), 'keras.layers.Layer');
  assert.equal(canonical('keras.engine.training.Model'), 'keras.models.Model');
  assert.equal(
    canonical('keras.layers.experimental.preprocessing.TextVectorization'),
    'keras.layers.TextVectorization',
  );
  assert.equal(canonical('keras_preprocessing.sequence.pad_sequences'), 'keras.utils.pad_sequences');
});

test('`from keras.models import Model, Input` builds the functional graph', async () => {
  const a = await analyze(
    `from keras.models import Model, Input\nfrom keras.layers import Embedding, LSTM\nx = Input(shape=(7,))\ny = LSTM(3)(Embedding(20, 4)(x))\nm = Model(x, y)\n`,
  );
  assert.deepEqual(names(model(a, 'm')), [
    ['InputLayer', 'input_layer'],
    ['Embedding', 'embedding'],
    ['LSTM', 'lstm'],
  ]);
});

test('a custom layer on keras.engine.topology.Layer is a layer class', async () => {
  const a = await analyze(
    `from keras.engine.topology import Layer\nfrom keras.models import Model, Input\nfrom keras.layers import Dense\nclass Scale(Layer):\n    def call(self, x):\n        return x\nx = Input(shape=(3,))\nm = Model(x, Scale()(Dense(2)(x)))\n`,
  );
  assert.deepEqual(
    names(model(a, 'm')).map(([c]) => c),
    ['InputLayer', 'Dense', 'Scale'],
  );
});

test("TensorFlow's aliases of Keras modules (tf.losses, tf.optimizers) are Keras'", () => {
  assert.equal(
    canonical('tensorflow.losses.SparseCategoricalCrossentropy'),
    'keras.losses.SparseCategoricalCrossentropy',
  );
  assert.equal(canonical('tensorflow.optimizers.Adam'), 'keras.optimizers.Adam');
  assert.equal(canonical('tensorflow.math.not_equal'), 'tensorflow.math.not_equal');
});
