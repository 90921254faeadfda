# <<< runnable copy of sources/text_generation_subclassed_gru_tf_tutorial.py for the goldens: the model code is the corpus file's;
# Replaced: the Shakespeare download -> a short text (the vocabulary is built from it by the
# file's own StringLookup); removed: the saved dataset and training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: tensorflow/text, docs/tutorials/text_generation.ipynb (code cells in order)
#   commit 9e6099d9c0dcc135aefd2bd233804d668e1fe231 (Apache-2.0)
#   https://github.com/tensorflow/text/blob/9e6099d9c0dcc135aefd2bd233804d668e1fe231/docs/tutorials/text_generation.ipynb
# Kind: a subclassed tf.keras.Model whose call() takes states=None, return_state=False and
#   training flags, a GRU with return_state (get_initial_state when no state is given), logits
#   with a from_logits loss object; StringLookup-built vocabulary; no mask.
import tensorflow as tf

import numpy as np
import os
import time

# <<< replaced: the Shakespeare download -> a short local text
path_to_file = 'shakespeare.txt'
with open(path_to_file, 'w') as _f:
    _f.write('First Citizen:\nBefore we proceed any further, hear me speak.\n')
# >>>

# Read, then decode for py2 compat.
text = open(path_to_file, 'rb').read().decode(encoding='utf-8')
vocab = sorted(set(text))

ids_from_chars = tf.keras.layers.StringLookup(
    vocabulary=list(vocab), mask_token=None)

# Length of the vocabulary in StringLookup Layer
vocab_size = len(ids_from_chars.get_vocabulary())

# The embedding dimension
embedding_dim = 32

# Number of RNN units
rnn_units = 64


class MyModel(tf.keras.Model):
  def __init__(self, vocab_size, embedding_dim, rnn_units):
    super().__init__(self)
    self.embedding = tf.keras.layers.Embedding(vocab_size, embedding_dim)
    self.gru = tf.keras.layers.GRU(rnn_units,
                                   return_sequences=True,
                                   return_state=True)
    self.dense = tf.keras.layers.Dense(vocab_size)

  def call(self, inputs, states=None, return_state=False, training=False):
    x = inputs
    x = self.embedding(x, training=training)
    if states is None:
      states = self.gru.get_initial_state(x)
    x, states = self.gru(x, initial_state=states, training=training)
    x = self.dense(x, training=training)

    if return_state:
      return x, states
    else:
      return x


model = MyModel(
    vocab_size=vocab_size,
    embedding_dim=embedding_dim,
    rnn_units=rnn_units)

loss = tf.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer='adam', loss=loss)

# Directory where the checkpoints will be saved
checkpoint_dir = './training_checkpoints'
checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt_{epoch}")

checkpoint_callback = tf.keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_prefix,
    save_weights_only=True)

EPOCHS = 20
# <<< removed: the saved dataset and training
# >>>
# <<< added: golden data: character ids (inputs and next characters)
_ids = ids_from_chars(tf.strings.unicode_split(tf.constant(text[:41]), 'UTF-8')).numpy().astype('int32')
_x = np.stack([_ids[i:i + 8] for i in range(0, 32, 8)])
_y = np.stack([_ids[i + 1:i + 9] for i in range(0, 32, 8)])
MASKLENS_DATA = {"model": (_x, _y)}
# >>>
