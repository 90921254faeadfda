import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyze, applyEdits, codes, find, masks, model, textAt } from './helpers';

const HEAD = 'import numpy as np\nimport keras\nfrom keras import layers\n';

test('lambda-drops-mask (seed 002): exact range, message names the version, quick fix inserts mask=', async () => {
  const text = `${HEAD}N = 5\nmodel = keras.Sequential()\nmodel.add(layers.Masking(mask_value=0., input_shape=(362, 24)))\nmodel.add(layers.LSTM(1, return_sequences=True))\nmodel.add(layers.Lambda(lambda x: x[:, N:, :]))\nmodel.compile('adam', 'mae')\n`;
  const a = await analyze(text);
  const m = model(a, 'model');
  assert.equal(m.lossMasked, 'no');
  const d = find(m.diagnostics, 'lambda-drops-mask');
  assert.equal(d.severity, 'warning');
  assert.equal(textAt(text, d.range), 'layers.Lambda(lambda x: x[:, N:, :])');
  assert.match(d.message, /Keras 3\.15\.1/);
  assert.ok(d.fix);
  assert.equal(d.fix.edits.length, 1);
  assert.equal(d.fix.edits[0].newText, ', mask=lambda inputs, previous_mask: previous_mask[:, N:]');
  assert.equal(d.fix.title, 'Add mask=lambda inputs, previous_mask: previous_mask[:, N:]');
  const fixed = applyEdits(text, d.fix.edits);
  assert.ok(
    fixed.includes('layers.Lambda(lambda x: x[:, N:, :], mask=lambda inputs, previous_mask: previous_mask[:, N:]))'),
  );
  // After the fix the mask reaches the loss and the warning is gone.
  const after = model(await analyze(fixed), 'model');
  assert.equal(after.lossMasked, 'yes');
  assert.ok(!codes(after.diagnostics).includes('lambda-drops-mask'));
});

test("lambda-drops-mask on the example file, and the fix keeps the user's own names", async () => {
  const text = readFileSync('examples/seed002_lambda_drops_mask.py', 'utf8');
  const d = find(model(await analyze(text), 'model').diagnostics, 'lambda-drops-mask');
  assert.match(d.fix?.edits[0].newText ?? '', /^, mask=lambda inputs, previous_mask: previous_mask\[:, N:\]$/);
  assert.equal(textAt(text, d.fix?.edits[0].range ?? d.range), '');
});

test('an elementwise Lambda gets mask=...: previous_mask; one that removes the time axis only consumes', async () => {
  const elementwise = await analyze(
    `${HEAD}m = keras.Sequential([layers.Masking(input_shape=(5, 2)), layers.Lambda(lambda t: t * 2.0)])\n`,
  );
  assert.equal(
    find(model(elementwise, 'm').diagnostics, 'lambda-drops-mask').fix?.edits[0].newText,
    ', mask=lambda inputs, previous_mask: previous_mask',
  );
  const last = await analyze(
    `${HEAD}m = keras.Sequential([layers.Masking(input_shape=(5, 2)), layers.Lambda(lambda t: t[:, -1, :])])\n`,
  );
  const ds = model(last, 'm').diagnostics;
  assert.ok(!codes(ds).includes('lambda-drops-mask'));
  assert.equal(find(ds, 'mask-consumed').severity, 'information');
});

test('mask-destroyed: Keras 3 warns, tf.keras 2.21 drops silently — the message says which', async () => {
  const text = `${HEAD}m = keras.Sequential([layers.Input(shape=(6,)), layers.Embedding(12, 4, mask_zero=True), layers.Flatten(), layers.Dense(1)])\n`;
  const k3 = find(model(await analyze(text), 'm').diagnostics, 'mask-destroyed');
  assert.equal(textAt(text, k3.range), 'layers.Flatten()');
  assert.equal(k3.severity, 'warning');
  assert.match(k3.message, /Keras 3\.15\.1 drops the mask here with a warning/);
  const tf = find(model(await analyze(text, 'tf-keras2'), 'm').diagnostics, 'mask-destroyed');
  assert.match(tf.message, /tf\.keras 2\.21\.0 drops the mask here silently/);
});

test('mask-destroyed as an error where tf.keras raises TypeError (TimeDistributed over a layer without mask support)', async () => {
  const text = `${HEAD}x = keras.Input(shape=(6, 4, 3))\ny = layers.TimeDistributed(layers.Flatten())(layers.Masking()(x))\nm = keras.Model(x, y)\n`;
  const tf = find(model(await analyze(text, 'tf-keras2'), 'm').diagnostics, 'mask-destroyed');
  assert.equal(tf.severity, 'error');
  assert.match(tf.message, /raises TypeError: Layer flatten does not support masking/);
  assert.equal(textAt(text, tf.range), 'layers.TimeDistributed(layers.Flatten())');
  const k3 = model(await analyze(text), 'm');
  assert.ok(!codes(k3.diagnostics).includes('mask-destroyed'));
  assert.deepEqual(masks(k3).time_distributed, [true, true]);
});

test('Keras 3 merging layers drop the mask when one input has none', async () => {
  const text = `${HEAD}a = keras.Input(shape=(5,))\nb = keras.Input(shape=(5, 3))\ns = layers.Add()([layers.Embedding(9, 3, mask_zero=True)(a), b])\nm = keras.Model([a, b], s)\n`;
  const k3 = model(await analyze(text), 'm');
  assert.deepEqual(masks(k3).add, [true, false]);
  assert.match(find(k3.diagnostics, 'mask-destroyed').message, /every input/);
  assert.deepEqual(masks(model(await analyze(text, 'tf-keras2'), 'm')).add, [true, true]);
});

test('mask-consumed: LSTM without return_sequences, GlobalAveragePooling1D', async () => {
  const text = `${HEAD}m = keras.Sequential([layers.Masking(input_shape=(5, 2)), layers.LSTM(3), layers.Dense(1)])\n`;
  const d = find(model(await analyze(text), 'm').diagnostics, 'mask-consumed');
  assert.equal(d.severity, 'information');
  assert.equal(textAt(text, d.range), 'layers.LSTM(3)');
  assert.match(d.message, /return_sequences=False/);
});

test('keras-team/keras#23235 (3.16): RNNs stop propagating masks — a versioned verdict', async () => {
  const text = `${HEAD}m = keras.Sequential([layers.Masking(input_shape=(5, 2)), layers.LSTM(3, return_sequences=True), layers.Dense(1)])\n`;
  const current = model(await analyze(text), 'm');
  assert.equal(current.lossMasked, 'yes');
  const later = await analyze(text, 'keras3', { kerasVersion: '3.16.0' });
  const m = model(later, 'm');
  assert.match(later.keras, /^Keras 3\.16\.0: the rules from 3\.16\.0 on, not checked against any release/);
  assert.equal(m.lossMasked, 'no');
  const d = find(m.diagnostics, 'mask-consumed');
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /keras-team\/keras#23235/);
  assert.match(d.message, /Keras 3\.16\.0/);
});

test('nan-mask-value at the mask_value argument', async () => {
  const text = `${HEAD}m = keras.Sequential([layers.Masking(mask_value=np.nan, input_shape=(5, 2)), layers.LSTM(1, return_sequences=True)])\n`;
  const d = find(model(await analyze(text), 'm').diagnostics, 'nan-mask-value');
  assert.equal(d.severity, 'error');
  assert.equal(textAt(text, d.range), 'mask_value=np.nan');
  assert.match(d.message, /0 \* nan = nan/);
});

test('nan-padding where NaN padding is created (np.full, pad_sequences, x[...] = nan, a pad_value argument)', async () => {
  const text = `${HEAD}x = np.full((4, 10, 3), np.nan)\nseqs = keras.utils.pad_sequences([[1, 2]], maxlen=5, value=np.nan)\ny = np.zeros((4, 10))\ny[y == 0] = np.nan\nx2 = make_data(pad_value=float('nan'))\n`;
  const a = await analyze(text);
  const found = a.diagnostics.filter((d) => d.code === 'nan-padding').map((d) => textAt(text, d.range));
  assert.deepEqual(found, ['np.nan', 'np.nan', 'np.nan', "float('nan')"]);
});

test('embedding-mask-zero-vocab: len(vocab) without + 1 (quick fix), and data indices beyond input_dim', async () => {
  const text = `${HEAD}word_index = {'a': 1, 'b': 2, 'c': 3}\nvocab_size = len(word_index)\nm = keras.Sequential([layers.Embedding(vocab_size, 8, mask_zero=True, input_shape=(4,)), layers.LSTM(2)])\n`;
  const d = find(model(await analyze(text), 'm').diagnostics, 'embedding-mask-zero-vocab');
  assert.equal(d.severity, 'warning');
  assert.equal(textAt(text, d.range), 'vocab_size');
  assert.deepEqual(
    d.fix?.edits.map((e) => e.newText),
    [' + 1'],
  );
  const data = `${HEAD}data_in = np.array([[1, 2, 5, 0]])\nx = keras.Input(shape=(4,))\nm = keras.Model(x, layers.Dense(1)(layers.Embedding(5, 2, mask_zero=True)(x)))\nm.predict(data_in)\n`;
  const e = find(model(await analyze(data), 'm').diagnostics, 'embedding-mask-zero-vocab');
  assert.equal(e.severity, 'error');
  assert.match(e.message, /index 5/);
  assert.equal(textAt(data, e.range), '5');
});

test('masking-needs-features: Masking on a 2-D input masks samples, not steps', async () => {
  const text = `${HEAD}m = keras.Sequential([layers.Masking(mask_value=0, input_shape=(20,)), layers.Dense(1)])\n`;
  const d = find(model(await analyze(text), 'm').diagnostics, 'masking-needs-features');
  assert.equal(textAt(text, d.range), 'layers.Masking(mask_value=0, input_shape=(20,))');
});

test('unknown-layer and unresolved-shape are located', async () => {
  const text = `${HEAD}from mylib import Fancy\nt = get_steps()\nm = keras.Sequential([layers.Masking(input_shape=(t, 3)), Fancy(4)])\n`;
  const m = model(await analyze(text), 'm');
  assert.equal(textAt(text, find(m.diagnostics, 'unknown-layer').range), 'Fancy(4)');
  assert.equal(textAt(text, find(m.diagnostics, 'unresolved-shape').range), 't');
});

test('every verdict names the Keras family and version', async () => {
  const a = await analyze(readFileSync('examples/seed002_lambda_drops_mask.py', 'utf8'), 'tf-keras2');
  assert.equal(a.keras, 'tf.keras 2.21.0');
  for (const d of a.models.flatMap((m) => m.diagnostics).filter((x) => x.code !== 'unresolved-shape'))
    assert.match(d.message, /\((Keras|tf\.keras) \d+\.\d+\.\d+\)$/);
});

test('embedding-mask-zero-vocab: not for the vocabulary of a TextVectorization, which already holds index 0; still for len(word_index)', async () => {
  const vectorized = await analyze(`import tensorflow as tf
vectorizer = tf.keras.layers.TextVectorization(max_tokens=1000)
vocab = vectorizer.get_vocabulary()
a = tf.keras.Sequential([tf.keras.layers.Embedding(len(vectorizer.get_vocabulary()), 8, mask_zero=True), tf.keras.layers.LSTM(4)])
b = tf.keras.Sequential([tf.keras.layers.Embedding(input_dim=len(vocab), output_dim=8, mask_zero=True), tf.keras.layers.LSTM(4)])
`);
  for (const m of vectorized.models)
    assert.deepEqual(
      m.diagnostics.filter((d) => d.code === 'embedding-mask-zero-vocab'),
      [],
      m.ir.name,
    );
  const tokenizer = await analyze(
    `import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.Embedding(len(tok.word_index), 8, mask_zero=True), tf.keras.layers.LSTM(4)])\n`,
  );
  assert.equal(tokenizer.models[0].diagnostics.filter((d) => d.code === 'embedding-mask-zero-vocab').length, 1);
});

test('messages fit the situation: a layer that removes the time axis pools over the padding; a classifier needs no mask at its loss', async () => {
  const flatten = model(
    await analyze(
      `${HEAD}m = keras.Sequential([keras.Input(shape=(8,)), layers.Embedding(20, 4, mask_zero=True), layers.Flatten(), layers.Dense(1)])\nm.compile('adam', 'mse')\n`,
    ),
    'm',
  );
  const dropped = find(flatten.diagnostics, 'mask-destroyed');
  assert.match(
    dropped.message,
    /It flattens the padded timesteps into its output too, so the padding changes its result/,
  );
  assert.doesNotMatch(dropped.message, /count in the loss/);
  assert.equal(flatten.outputPerTimestep, false);

  const conv = model(
    await analyze(
      `${HEAD}m = keras.Sequential([keras.Input(shape=(8,)), layers.Embedding(20, 4, mask_zero=True), layers.Conv1D(3, 2), layers.GlobalMaxPooling1D(), layers.Dense(1)])\nm.compile('adam', 'mse')\n`,
    ),
    'm',
  );
  assert.match(
    find(conv.diagnostics, 'mask-destroyed').message,
    /Layers after it see no mask and treat the padded timesteps as data\./,
  );

  const classifier = model(
    await analyze(
      `${HEAD}m = keras.Sequential([keras.Input(shape=(8,)), layers.Embedding(20, 4, mask_zero=True), layers.LSTM(3), layers.Dense(1, activation='sigmoid')])\nm.compile('adam', 'binary_crossentropy')\n`,
    ),
    'm',
  );
  assert.equal(classifier.lossMasked, 'no');
  assert.equal(classifier.outputPerTimestep, false);

  const tagger = model(
    await analyze(
      `${HEAD}m = keras.Sequential([keras.Input(shape=(8,)), layers.Embedding(20, 4, mask_zero=True), layers.Flatten(), layers.Reshape((8, 4)), layers.Dense(2)])\nm.compile('adam', 'mse')\n`,
    ),
    'm',
  );
  assert.equal(tagger.outputPerTimestep, true);
  assert.match(find(tagger.diagnostics, 'mask-destroyed').message, /It flattens/);
});

test('masking-value-mismatch: Masking(mask_value=-1.) on data pad_sequences pads with 0 masks nothing', async () => {
  const text = `import tensorflow as tf\nfrom tensorflow.keras.preprocessing.sequence import pad_sequences\nPAD = -1.\nx = pad_sequences(load(), maxlen=10, dtype='float32', padding='post')\nm = tf.keras.Sequential([tf.keras.layers.Masking(mask_value=PAD, input_shape=(10, 2)), tf.keras.layers.LSTM(4, return_sequences=True)])\nm.compile('adam', 'mse')\nm.fit(x, x)\n`;
  const d = find(model(await analyze(text), 'm').diagnostics, 'masking-value-mismatch');
  assert.equal(textAt(text, d.range), 'mask_value=PAD');
  assert.match(
    d.message,
    /`x` is padded with 0 \(pad_sequences' value\), but Masking masks only steps equal to mask_value=-1/,
  );
  const same = await analyze(text.replace("padding='post'", "padding='post', value=PAD"));
  assert.deepEqual(
    codes(model(same, 'm').diagnostics).filter((c) => c === 'masking-value-mismatch'),
    [],
  );
});
