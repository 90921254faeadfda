/**
 * Rules that changed between Keras releases (each range checked against the version sweep,
 * test/golden/sweep.test.ts), seen from the user's side: what the analysis says for a given
 * `kerasVersion`, and the label that names whose rules it applied.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { versionLabel } from '../../src/core/layers/versionLabel';
import { CHECKED_RELEASES } from '../../src/core/masking/registry';
import { analyze, codes, find, masks, model, textAt } from './helpers';

const HEAD = 'import keras\nfrom keras import layers\n';
const CONCAT = `${HEAD}tokens = keras.Input(shape=(6,))\nfeatures = keras.Input(shape=(6, 3))\nembedded = layers.Embedding(12, 4, mask_zero=True)(tokens)\njoined = layers.Concatenate(AXIS)([embedded, features])\nm = keras.Model([tokens, features], layers.LSTM(2, return_sequences=True)(joined))\n`;

test('a release the sweep ran is named as it is; others say whose rules apply and how far they were checked', () => {
  assert.equal(versionLabel('keras3', '3.3.3'), 'Keras 3.3.3');
  assert.equal(versionLabel('tf-keras2', '2.21.0'), 'tf.keras 2.21.0');
  assert.ok(CHECKED_RELEASES.keras3.includes('3.3.3') && !CHECKED_RELEASES.keras3.includes('3.2.0'));
  assert.match(
    versionLabel('keras3', '3.2.0'),
    /^Keras 3\.2\.0: rules of 3\.0–3\.3, checked against \d+ releases from 3\.0\.0 to 3\.3\.3$/,
  );
  assert.match(
    versionLabel('keras3', '3.7.1'),
    /^Keras 3\.7\.1: rules of 3\.4–3\.7, .*3\.7\.1 itself lies outside the releases checked for these rules$/,
  );
  assert.match(
    versionLabel('keras3', '4.0.0'),
    /^Keras 4\.0\.0: the rules from 3\.16\.0 on, not checked against any release \(the newest release checked is 3\.15\.1\)$/,
  );
});

test('the label of an unchecked release is the one every verdict carries', async () => {
  const a = await analyze(CONCAT.replace('AXIS', ''), 'keras3', { kerasVersion: '3.2.0' });
  assert.equal(a.keras, versionLabel('keras3', '3.2.0'));
  for (const d of model(a, 'm').diagnostics) assert.ok(d.message.endsWith(`(${a.keras})`), d.message);
});

test('Concatenate of a masked and an unmasked input on the feature axis: an all-true mask, with a warning (Keras 3.4 on)', async () => {
  const text = CONCAT.replace('AXIS', '');
  const m = model(await analyze(text), 'm');
  const d = find(m.diagnostics, 'concatenate-mask-all-true');
  assert.equal(d.severity, 'warning');
  assert.equal(textAt(text, d.range), 'layers.Concatenate()');
  assert.match(d.message, /all-true/);
  assert.equal(m.lossMasked, 'yes');
});

test("no all-true warning along the time axis, nor in tf.keras, whose all() keeps the masked input's padding", async () => {
  const byTime = model(await analyze(CONCAT.replace('AXIS', 'axis=1')), 'm');
  assert.ok(!codes(byTime.diagnostics).includes('concatenate-mask-all-true'));
  const tfKeras = model(await analyze(CONCAT.replace('AXIS', ''), 'tf-keras2'), 'm');
  assert.ok(!codes(tfKeras.diagnostics).includes('concatenate-mask-all-true'));
});

test('Keras 3.0-3.3 take no mask from a list: Concatenate gives none and says so; 3.4 merges', async () => {
  const text = CONCAT.replace('AXIS', '');
  const old = model(await analyze(text, 'keras3', { kerasVersion: '3.3.3' }), 'm');
  assert.deepEqual(masks(old).concatenate, [true, false]);
  assert.equal(old.lossMasked, 'no');
  const d = find(old.diagnostics, 'mask-destroyed');
  assert.match(d.message, /Keras 3\.0 to 3\.3 take no mask from a list/);
  assert.doesNotMatch(d.message, /with a warning/);
  const newer = model(await analyze(text, 'keras3', { kerasVersion: '3.4.0' }), 'm');
  assert.deepEqual(masks(newer).concatenate, [true, true]);
});

test("MultiHeadAttention deletes its inputs' masks from Keras 3.8 on, not before", async () => {
  const text = `${HEAD}inp = keras.Input(shape=(6,))\nx = layers.Embedding(8, 4, mask_zero=True)(inp)\natt = layers.MultiHeadAttention(num_heads=1, key_dim=2)(x, x)\nafter = layers.Dense(4, name="after")(x)\nm = keras.Model(inp, layers.Add()([att, after]))\n`;
  assert.equal(model(await analyze(text, 'keras3', { kerasVersion: '3.7.0' }), 'm').lossMasked, 'yes');
  assert.equal(model(await analyze(text, 'keras3', { kerasVersion: '3.8.0' }), 'm').lossMasked, 'no');
});

test('Keras 3 warns that a nested model destroys the mask; MaskLens says the warning is harmless', async () => {
  const text = `${HEAD}a = keras.Input(shape=(5,))\nb = keras.Input(shape=(5,))\nembed = layers.Embedding(10, 3, mask_zero=True)\nx1 = keras.Input(shape=(5, 3))\nx2 = keras.Input(shape=(5, 3))\npair = keras.Model([x1, x2], layers.Subtract()([x1, x2]), name="pair")\nm = keras.Model([a, b], layers.GRU(2, return_sequences=True)(pair([embed(a), embed(b)])))\n`;
  const m = model(await analyze(text), 'm');
  const d = find(m.diagnostics, 'nested-model-mask-warning');
  assert.equal(d.severity, 'information');
  assert.equal(m.lossMasked, 'yes');
  assert.ok(!codes(model(await analyze(text, 'tf-keras2'), 'm').diagnostics).includes('nested-model-mask-warning'));
});
