# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: tensorflow/text, docs/tutorials/nmt_with_attention.ipynb (code cells in order)
#   commit c1ddc39b5799440a607490061207e54fc5370ea0 (Apache-2.0)
#   https://github.com/tensorflow/text/blob/c1ddc39b5799440a607490061207e54fc5370ea0/docs/tutorials/nmt_with_attention.ipynb
# Kind: a subclassed tf.keras Model over custom Layers (encoder with a masked Embedding and a
#   Bidirectional GRU, cross-attention through MultiHeadAttention + Add + LayerNormalization,
#   a GRU decoder), called on a (context, target_in) tuple; a masked loss function written by
#   hand; text processors replaced by integer ids here (the tutorial's are TextVectorization).
import numpy as np
import tensorflow as tf

UNITS = 64
VOCAB_SIZE = 500


class Encoder(tf.keras.layers.Layer):
  def __init__(self, vocab_size, units):
    super(Encoder, self).__init__()
    self.vocab_size = vocab_size
    self.units = units

    # token ids -> vectors
    self.embedding = tf.keras.layers.Embedding(self.vocab_size, units,
                                               mask_zero=True)

    # the RNN reads the vectors in both directions
    self.rnn = tf.keras.layers.Bidirectional(
        merge_mode='sum',
        layer=tf.keras.layers.GRU(units,
                            # Return the sequence and state
                            return_sequences=True,
                            recurrent_initializer='glorot_uniform'))

  def call(self, x):
    x = self.embedding(x)
    x = self.rnn(x)
    return x


class CrossAttention(tf.keras.layers.Layer):
  def __init__(self, units, **kwargs):
    super().__init__()
    self.mha = tf.keras.layers.MultiHeadAttention(key_dim=units, num_heads=1, **kwargs)
    self.layernorm = tf.keras.layers.LayerNormalization()
    self.add = tf.keras.layers.Add()

  def call(self, x, context):
    attn_output, attn_scores = self.mha(
        query=x,
        value=context,
        return_attention_scores=True)

    # Cache the attention scores for plotting later.
    attn_scores = tf.reduce_mean(attn_scores, axis=1)
    self.last_attention_weights = attn_scores

    x = self.add([x, attn_output])
    x = self.layernorm(x)

    return x


class Decoder(tf.keras.layers.Layer):
  def __init__(self, vocab_size, units):
    super(Decoder, self).__init__()
    self.vocab_size = vocab_size
    self.units = units

    self.embedding = tf.keras.layers.Embedding(self.vocab_size,
                                               units, mask_zero=True)

    self.rnn = tf.keras.layers.GRU(units,
                                   return_sequences=True,
                                   return_state=True,
                                   recurrent_initializer='glorot_uniform')

    self.attention = CrossAttention(units)

    # logits for each output token
    self.output_layer = tf.keras.layers.Dense(self.vocab_size)

  def call(self,
           context, x,
           state=None,
           return_state=False):

    x = self.embedding(x)
    x, state = self.rnn(x, initial_state=state)
    x = self.attention(x, context)
    self.last_attention_weights = self.attention.last_attention_weights
    logits = self.output_layer(x)

    if return_state:
      return logits, state
    else:
      return logits


class Translator(tf.keras.Model):
  def __init__(self, units, vocab_size):
    super().__init__()
    encoder = Encoder(vocab_size, units)
    decoder = Decoder(vocab_size, units)

    self.encoder = encoder
    self.decoder = decoder

  def call(self, inputs):
    context, x = inputs
    context = self.encoder(context)
    logits = self.decoder(context, x)
    return logits


def masked_loss(y_true, y_pred):
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction='none')
    loss = loss_fn(y_true, y_pred)

    # leave the padding out of the loss
    mask = tf.cast(y_true != 0, loss.dtype)
    loss *= mask

    return tf.reduce_sum(loss)/tf.reduce_sum(mask)


def masked_acc(y_true, y_pred):
    y_pred = tf.argmax(y_pred, axis=-1)
    y_pred = tf.cast(y_pred, y_true.dtype)

    match = tf.cast(y_true == y_pred, tf.float32)
    mask = tf.cast(y_true != 0, tf.float32)

    return tf.reduce_sum(match)/tf.reduce_sum(mask)


model = Translator(UNITS, VOCAB_SIZE)

model.compile(optimizer='adam',
              loss=masked_loss,
              metrics=[masked_acc, masked_loss])

train_ds = tf.data.experimental.load('translation_train')
history = model.fit(
    train_ds.repeat(),
    epochs=100,
    steps_per_epoch=100,
    validation_steps=20,
    callbacks=[
        tf.keras.callbacks.EarlyStopping(patience=3)])
