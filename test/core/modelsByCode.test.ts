/**
 * Models that code builds: from config dicts with if/elif, in loops with f-string names, in
 * functions called with `**settings`, rebuilt from a saved model's layers by index, as a
 * `keras.Model` subclass that runs `Model.__init__(inputs=, outputs=)`, a Sequential given
 * one layer, and Sequential blocks inside custom layers (which are not models of their own).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, find, layerConfig, masks, model, names } from './helpers';

test('a Sequential from a config dict: a loop over layer specs with if/elif and `spec is not last`', async () => {
  const a = await analyze(`from tensorflow import keras
CONFIG = {'vocab': 50, 'layers': [{'type': 'gru', 'units': 8}, {'type': 'dropout', 'rate': 0.2}, {'type': 'gru', 'units': 4}, {'type': 'dense', 'units': 2}]}
def build(cfg):
    model = keras.Sequential(name=cfg.get('name', 'clf'))
    model.add(keras.layers.Embedding(cfg['vocab'], 6, mask_zero=cfg.get('mask', True)))
    rnns = [s for s in cfg['layers'] if s['type'] in ('gru', 'lstm')]
    for spec in cfg['layers']:
        if spec['type'] == 'gru':
            model.add(keras.layers.GRU(spec['units'], return_sequences=spec is not rnns[-1]))
        elif spec['type'] == 'dropout':
            model.add(keras.layers.Dropout(spec['rate']))
        elif spec['type'] == 'dense':
            model.add(keras.layers.Dense(spec['units']))
    return model
model = build(CONFIG)
`);
  const m = model(a, 'model');
  assert.equal(m.ir.config.config.name, 'clf');
  assert.deepEqual(names(m), [
    ['Embedding', 'embedding'],
    ['GRU', 'gru'],
    ['Dropout', 'dropout'],
    ['GRU', 'gru_1'],
    ['Dense', 'dense'],
  ]);
  assert.equal(layerConfig(m, 'gru').return_sequences, true);
  assert.equal(layerConfig(m, 'gru_1').return_sequences, false);
  assert.deepEqual(masks(m).gru, [true, true]);
  assert.deepEqual(masks(m).gru_1, [true, false]);
});

test('layers named with f-strings, % and str.format in a loop of a function called with **settings', async () => {
  const a = await analyze(
    `from tensorflow.keras.models import Model
from tensorflow.keras.layers import Dense, LSTM, Input, Masking
def generator(steps, channels, n_units, n_layers):
    x = inputs = Input(shape=(steps, channels), name='x')
    x = Masking(mask_value=0.0)(x)
    for i in range(n_layers):
        x = LSTM(n_units, return_sequences=i < n_layers - 1, name=f'lstm_{i}')(x)
    x = Dense(3, name='head_%d' % n_layers)(x)
    return Model(inputs=inputs, outputs=Dense(1, name='{}_{:02d}'.format('out', 7))(x))
settings = {'steps': None, 'channels': 7, 'n_units': 4, 'n_layers': 2}
model = generator(**settings)
`,
    'tf-keras2',
  );
  assert.deepEqual(
    names(model(a, 'model')).map(([, n]) => n),
    ['x', 'masking', 'lstm_0', 'lstm_1', 'head_2', 'out_07'],
  );
});

test("inference models rebuilt from a saved and reloaded model's layers by index", async () => {
  const a = await analyze(`import keras
enc_in = keras.Input(shape=(None, 5))
_, h, c = keras.layers.LSTM(4, return_state=True)(enc_in)
dec_in = keras.Input(shape=(None, 6))
dec_seq, _, _ = keras.layers.LSTM(4, return_sequences=True, return_state=True)(dec_in, initial_state=[h, c])
model = keras.Model([enc_in, dec_in], keras.layers.Dense(6, activation='softmax')(dec_seq))
model.save('s2s.keras')
model = keras.models.load_model('s2s.keras')
enc_out, state_h, state_c = model.layers[2].output
encoder_model = keras.Model(model.input[0], [state_h, state_c])
decoder_lstm = model.get_layer('lstm_1')
h_in = keras.Input(shape=(4,))
c_in = keras.Input(shape=(4,))
seq, h2, c2 = decoder_lstm(model.input[1], initial_state=[h_in, c_in])
decoder_model = keras.Model([model.input[1], h_in, c_in], [model.layers[4](seq), h2, c2])
`);
  assert.deepEqual(names(model(a, 'encoder_model')), [
    ['InputLayer', 'input_layer'],
    ['LSTM', 'lstm'],
  ]);
  assert.deepEqual(
    names(model(a, 'decoder_model')).map(([cls]) => cls),
    ['InputLayer', 'InputLayer', 'InputLayer', 'LSTM', 'Dense'],
  );
});

test('Sequential(one_layer): tf.keras keeps the layer; Keras 3 raises, and says so', async () => {
  const source = `from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import LSTM, Masking\nmodel = Sequential(Masking(mask_value=0.0, input_shape=(5, 2)))\nmodel.add(LSTM(3))\n`;
  const tf2 = await analyze(source, 'tf-keras2');
  assert.deepEqual(names(model(tf2, 'model')), [
    ['InputLayer', 'masking_input'],
    ['Masking', 'masking'],
    ['LSTM', 'lstm'],
  ]);
  const k3 = await analyze(source);
  assert.deepEqual(k3.models, []);
  assert.match(
    find(k3.diagnostics, 'keras-error').message,
    /Keras 3\.15\.1 raises TypeError: 'Masking' object is not iterable .*Sequential\(\[Masking/,
  );
});

test('a Sequential block built in a custom layer is part of the layer; one a plain class builds is a model', async () => {
  const a = await analyze(`import keras
class Block(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        ffn = keras.Sequential([keras.layers.Dense(units), keras.layers.Dense(units)])
        self.ffn = ffn
    def call(self, x):
        return self.ffn(x)
class Trainer:
    def __init__(self):
        self.model = keras.Sequential([keras.layers.Dense(2)])
x = keras.Input(shape=(4,))
clf = keras.Model(x, Block(4)(x))
trainer = Trainer()
`);
  assert.deepEqual(a.models.map((m) => m.ir.name).sort(), ['clf', 'sequential_1']);
});

test('a keras.Model subclass whose __init__ runs Model.__init__(inputs=, outputs=) is a functional model', async () => {
  const a = await analyze(
    `import tensorflow as tf
class Tracer(tf.keras.Model):
    def __init__(self, features, skills):
        inputs = tf.keras.Input(shape=(None, features), name='inputs')
        x = tf.keras.layers.Masking(mask_value=-1.0)(inputs)
        x = tf.keras.layers.LSTM(8, return_sequences=True)(x)
        outputs = tf.keras.layers.Dense(skills, activation='sigmoid', name='outputs')(x)
        super(Tracer, self).__init__(inputs=inputs, outputs=outputs, name='Tracer')
    def compile(self, optimizer):
        super().compile(loss='binary_crossentropy', optimizer=optimizer)
student = Tracer(features=6, skills=3)
student.compile(optimizer='adam')
`,
    'tf-keras2',
  );
  const m = model(a, 'student');
  assert.equal(m.ir.config.config.name, 'Tracer');
  assert.deepEqual(names(m), [
    ['InputLayer', 'inputs'],
    ['Masking', 'masking'],
    ['LSTM', 'lstm'],
    ['Dense', 'outputs'],
  ]);
  assert.equal(m.loss, 'binary_crossentropy');
  assert.equal(m.lossMasked, 'yes');
});
