import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, codes, find, masks, model, textAt } from './helpers';

const ENCODER_DECODER = (decoderCall: string) => `import keras
from keras import layers
enc_in = keras.Input(shape=(7,))
dec_in = keras.Input(shape=(6,))
_, h = layers.GRU(4, return_state=True)(layers.Embedding(8, 5, mask_zero=True)(enc_in))
dec_emb = layers.Embedding(6, 5, mask_zero=True)(dec_in)
seq = ${decoderCall}
model = keras.Model([enc_in, dec_in], layers.Dense(3, activation="softmax")(seq))
model.compile("adam", "sparse_categorical_crossentropy")
`;

test('Keras 3 does not pass the mask to an RNN given initial_state=: a warning at the call, the output still masked', async () => {
  const text = ENCODER_DECODER('layers.GRU(4, return_sequences=True)(dec_emb, initial_state=h)');
  const m = model(await analyze(text), 'model');
  const d = find(m.diagnostics, 'mask-not-passed');
  assert.equal(d.severity, 'warning');
  assert.equal(textAt(text, d.range), 'layers.GRU(4, return_sequences=True)');
  assert.match(d.message, /Keras 3\.15\.1/);
  assert.match(d.message, /mask=/);
  // Keras computes the output mask from the first argument's mask all the same.
  assert.equal(masks(m).gru_1[1], true);
  assert.equal(m.lossMasked, 'yes');
});

test('tf.keras passes the mask to an RNN given initial_state=, and so does Keras 3 when mask= is given', async () => {
  const tfKeras = model(
    await analyze(ENCODER_DECODER('layers.GRU(4, return_sequences=True)(dec_emb, initial_state=h)'), 'tf-keras2'),
    'model',
  );
  assert.ok(!codes(tfKeras.diagnostics).includes('mask-not-passed'));
  const explicit = model(
    await analyze(
      ENCODER_DECODER(
        'layers.GRU(4, return_sequences=True)(dec_emb, initial_state=h, mask=keras.ops.not_equal(dec_in, 0))',
      ),
    ),
    'model',
  );
  assert.ok(!codes(explicit.diagnostics).includes('mask-not-passed'));
});
