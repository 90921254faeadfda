/**
 * Custom layer classes and layers MaskLens cannot know: what the class says about masks is
 * read (supports_masking, compute_mask, call(mask=), the tensor call returns), and a layer it
 * cannot read makes the mask after it unknown, never a claim that Keras drops it. The same
 * behaviours are checked against real Keras by the golden corpus files c40-c43.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, codes, find, masks, model, textAt } from './helpers';

const HEAD = 'import tensorflow as tf\nimport keras\nfrom keras import layers\n';

function functional(...body: string[]): string {
  return `${HEAD}${body.join('\n')}\ninp = keras.Input(shape=(6,), dtype="int32")\nx = layers.Embedding(20, 4, mask_zero=True)(inp)\n`;
}

test('a layer of a class MaskLens cannot see makes the mask after it unknown, with no warning', async () => {
  const text = `${HEAD}from mylib import Fancy\ninp = keras.Input(shape=(6,), dtype="int32")\nx = layers.Embedding(20, 4, mask_zero=True)(inp)\nx = Fancy(3)(x)\nx = layers.Dense(2)(x)\nseq = layers.LSTM(3)(x)\nm = keras.Model(inp, [x, seq])\nm.compile("adam", "mse")\n`;
  const m = model(await analyze(text), 'm');
  assert.deepEqual(masks(m).fancy, [true, 'unknown']);
  assert.deepEqual(masks(m).dense, ['unknown', 'unknown']);
  // An RNN without return_sequences returns no mask whatever arrives.
  assert.deepEqual(masks(m).lstm, ['unknown', false]);
  assert.equal(m.lossMasked, 'unknown');
  assert.ok(
    !m.diagnostics.some((d) => d.severity === 'warning' || d.severity === 'error'),
    codes(m.diagnostics).join(', '),
  );
  const note = find(m.diagnostics, 'mask-unknown');
  assert.equal(note.severity, 'information');
  assert.match(note.message, /Fancy/);
  assert.match(m.layers.find((l) => l.name === 'dense')?.unknownBecause ?? '', /Fancy/);
});

test('supports_masking as a class attribute or set in __init__ passes the mask on', async () => {
  const text =
    functional(
      'class Relu(layers.Layer):\n    supports_masking = True\n    def call(self, x):\n        return tf.nn.relu(x)\n',
      'class Scale(layers.Layer):\n    def __init__(self, k, **kw):\n        super().__init__(**kw)\n        self.k = k\n        self.supports_masking = True\n    def call(self, x):\n        return x * self.k\n',
    ) + 'x = Relu()(x)\nx = Scale(2.0)(x)\nm = keras.Model(inp, layers.Dense(1)(x))\n';
  const k3 = model(await analyze(text), 'm');
  assert.deepEqual(masks(k3).relu, [true, true]);
  assert.deepEqual(masks(k3).scale, [true, true]);
  assert.equal(k3.lossMasked, 'yes');
  assert.equal(k3.ir.customLayers.scale.call.kind, 'function');
  // tf.keras reads the private _supports_masking, which a class attribute does not set (golden c40).
  const tf2 = model(await analyze(text, 'tf-keras2'), 'm');
  assert.deepEqual(masks(tf2).relu, [true, false]);
});

test('a custom layer that does not support masking drops it (Keras 3 warns), unless call returns its input', async () => {
  const text =
    functional(
      'class Doubling(layers.Layer):\n    def call(self, x):\n        return x * 2.0\n',
      'class Same(layers.Layer):\n    def call(self, x):\n        return x\n',
    ) + 'a = Same()(x)\nb = Doubling()(a)\nm = keras.Model(inp, b)\n';
  const m = model(await analyze(text), 'm');
  assert.deepEqual(masks(m).same, [true, true]);
  assert.deepEqual(masks(m).doubling, [true, false]);
  const d = find(m.diagnostics, 'mask-destroyed');
  assert.equal(textAt(text, d.range), 'Doubling()');
});

test('compute_mask is followed: None consumes the mask, a slice keeps it, not_equal creates one', async () => {
  const text =
    `${HEAD}from keras import ops\n` +
    'class Mean(layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.supports_masking = True\n    def call(self, x, mask=None):\n        if mask is None:\n            return ops.mean(x, axis=1)\n        w = ops.expand_dims(ops.cast(mask, x.dtype), -1)\n        return ops.sum(x * w, axis=1) / ops.sum(w, axis=1)\n    def compute_mask(self, inputs, mask=None):\n        return None\n' +
    'class Shift(layers.Layer):\n    def call(self, x):\n        return x[:, 1:]\n    def compute_mask(self, inputs, mask=None):\n        if mask is None:\n            return None\n        return mask[:, 1:]\n' +
    'class Ids(layers.Layer):\n    def __init__(self, n, d, **kw):\n        super().__init__(**kw)\n        self.table = self.add_weight(shape=(n, d), initializer="random_normal")\n    def call(self, ids):\n        return ops.take(self.table, ops.cast(ids, "int32"), axis=0)\n    def compute_mask(self, inputs, mask=None):\n        return ops.not_equal(inputs, 0)\n' +
    'inp = keras.Input(shape=(6,), dtype="int32")\nx = Ids(20, 4)(inp)\nx = Shift()(x)\nout = Mean()(x)\nm = keras.Model(inp, out)\n';
  const m = model(await analyze(text), 'm');
  assert.deepEqual(masks(m).ids, [false, true]);
  assert.deepEqual(masks(m).shift, [true, true]);
  assert.deepEqual(masks(m).mean, [true, false]);
  assert.equal(m.layers.find((l) => l.name === 'mean')?.mask.effect, 'consumes');
  const ids = m.ir.customLayers.ids;
  assert.equal(ids.build.length, 1, 'the weight add_weight made in __init__');
  assert.equal(ids.build[0].attr, 'table');
  const mean = m.ir.customLayers.mean;
  assert.ok(
    mean.call.kind === 'function' && mean.call.fn.body.op === 'cond',
    'if mask is None: a test known when the layer runs',
  );
});

test('layers a custom layer holds carry their masks out of it', async () => {
  const text =
    functional(
      'class Block(layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.seq = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(4)])\n        self.norm = layers.LayerNormalization()\n    def call(self, x):\n        return self.norm(x + self.seq(x))\n',
      'class Wrap(layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.seq = keras.Sequential([layers.Dense(4)])\n    def call(self, x):\n        return self.seq(x)\n',
    ) + 'a = Block()(x)\nb = Wrap()(x)\nm = keras.Model(inp, [a, b])\n';
  const a = await analyze(text);
  const m = model(a, 'm');
  // x + seq(x) is a new tensor without a mask, and Block does not support masking.
  assert.deepEqual(masks(m).block, [true, false]);
  // Wrap does not support masking either, but it returns the held Sequential's masked output.
  assert.deepEqual(masks(m).wrap, [true, true]);
  assert.deepEqual(
    a.models.map((x) => x.ir.name),
    ['m'],
    'a Sequential built inside a custom layer is not a model of its own',
  );
});

test('a custom layer whose call cannot be read: unknown where the returned tensor may carry a mask, and said once where it stops', async () => {
  const text =
    functional(
      'class Odd(layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.dense = layers.Dense(4)\n    def call(self, x):\n        while x.shape[-1] > 4:\n            x = self.dense(x)\n        return x\n',
    ) + 'y = Odd()(x)\nm = keras.Model(inp, y)\n';
  const m = model(await analyze(text), 'm');
  assert.deepEqual(masks(m).odd, [true, 'unknown']);
  const d = find(m.diagnostics, 'custom-layer');
  assert.match(d.message, /while statement/);
  assert.equal(textAt(text, d.range).split('\n')[0], 'while x.shape[-1] > 4:');
  assert.ok(!codes(m.diagnostics).includes('mask-destroyed'));
});

test('keras_hub layers: mask rules from their source, called with keyword inputs', async () => {
  const text = `import keras\nimport keras_hub\ninp = keras.Input(shape=(None,), dtype="int32")\nx = keras_hub.layers.TokenAndPositionEmbedding(100, 16, 8, mask_zero=True)(inp)\nx = keras_hub.layers.TransformerEncoder(16, 2)(inputs=x)\nx = keras_hub.layers.FNetEncoder(16)(x)\nm = keras.Model(inp, x)\n`;
  const m = model(await analyze(text), 'm');
  assert.deepEqual(masks(m).token_and_position_embedding, [false, true]);
  assert.deepEqual(masks(m).transformer_encoder, [true, true]);
  assert.deepEqual(masks(m).f_net_encoder, [true, false]);
  assert.match(m.layers.find((l) => l.name === 'transformer_encoder')?.rule.evidence ?? '', /transformer_encoder\.py/);
});

test('a class deriving from a Keras layer keeps its rule; super().__init__ builds its config', async () => {
  const text =
    functional(
      'class SeqLSTM(layers.LSTM):\n    def __init__(self, units, **kw):\n        super().__init__(units, return_sequences=True, **kw)\n',
    ) + 'y = SeqLSTM(3)(x)\nm = keras.Model(inp, y)\n';
  const m = model(await analyze(text), 'm');
  assert.deepEqual(masks(m).seq_lstm, [true, true]);
  assert.equal(m.ir.customLayers.seq_lstm.base, 'LSTM');
  const config = (
    m.ir.config.config.layers as { config: { name?: unknown; units?: unknown; return_sequences?: unknown } }[]
  ).find((l) => l.config.name === 'seq_lstm')?.config;
  assert.equal(config?.units, 3);
  assert.equal(config?.return_sequences, true);
});

test('Keras 2 code: a class deriving from keras.engine.topology.Layer is a custom layer', async () => {
  const text =
    'from keras.engine.topology import Layer\nfrom keras.layers import Input, Embedding, Dense\nfrom keras.models import Model\nclass Scale(Layer):\n    def __init__(self, **kwargs):\n        self.supports_masking = True\n        super(Scale, self).__init__(**kwargs)\n    def call(self, x, mask=None):\n        return x * 2\ninp = Input(shape=(5,))\nx = Embedding(10, 3, mask_zero=True)(inp)\nm = Model(inp, Dense(1)(Scale()(x)))\n';
  const m = model(await analyze(text, 'tf-keras2'), 'm');
  assert.deepEqual(masks(m).scale, [true, true]);
  assert.equal(m.lossMasked, 'yes');
});

test('tf.keras TimeDistributed asks a wrapped custom layer for its mask: it raises unless the layer supports masking', async () => {
  const classes =
    'class Plain(layers.Layer):\n    def call(self, x):\n        return x * 2.0\nclass Carry(layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.supports_masking = True\n    def call(self, x):\n        return x * 2.0\n';
  const body = (cls: string) =>
    `${HEAD}${classes}inp = keras.Input(shape=(5, 3))\nx = layers.Masking()(inp)\nm = keras.Model(inp, layers.TimeDistributed(${cls}())(x))\n`;
  const carry = model(await analyze(body('Carry'), 'tf-keras2'), 'm');
  assert.deepEqual(masks(carry).time_distributed, [true, true]);
  const plain = model(await analyze(body('Plain'), 'tf-keras2'), 'm');
  const d = find(plain.diagnostics, 'mask-destroyed');
  assert.equal(d.severity, 'error');
  assert.match(d.message, /TypeError: Layer plain does not support masking/);
});

test("compute_mask handing on a held Embedding's mask (*args too) is Embedding's own rule, whatever call does", async () => {
  // Checked in both families (Keras 3.15.1, tf-keras 2.21): PosEmb's output carries
  // not_equal(ids, 0), Plain's carries none.
  const text =
    'import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\nTABLE = np.zeros((64, 4), dtype="float32")\n' +
    'class PosEmb(keras.layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.embedding = keras.layers.Embedding(20, 4, mask_zero=True)\n        self.table = tf.constant(TABLE)\n    def compute_mask(self, *args, **kwargs):\n        return self.embedding.compute_mask(*args, **kwargs)\n    def call(self, x):\n        n = tf.shape(x)[1]\n        return self.embedding(x) + self.table[tf.newaxis, :n, :]\n' +
    'class Plain(keras.layers.Layer):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n        self.embedding = keras.layers.Embedding(20, 4)\n    def compute_mask(self, inputs, mask=None):\n        return self.embedding.compute_mask(inputs, mask)\n    def call(self, x):\n        return self.embedding(x)\n' +
    'inp = keras.Input(shape=(6,), dtype="int32")\na = keras.layers.LSTM(3, return_sequences=True)(PosEmb()(inp))\nb = keras.layers.LSTM(3, return_sequences=True)(Plain()(inp))\nm = keras.Model(inp, [a, b])\n';
  for (const family of ['keras3', 'tf-keras2'] as const) {
    const m = model(await analyze(text, family), 'm');
    assert.deepEqual(masks(m).pos_emb, [false, true], family);
    assert.deepEqual(masks(m).lstm, [true, true], family);
    assert.deepEqual(masks(m).plain, [false, false], family);
    assert.deepEqual(masks(m).lstm_1, [false, false], family);
    assert.equal(m.ir.customLayers.pos_emb.computeMask.kind, 'function');
    // call() reads a table MaskLens cannot run: the runtime still says so.
    assert.equal(m.ir.customLayers.pos_emb.call.kind, 'unreadable');
  }
});
