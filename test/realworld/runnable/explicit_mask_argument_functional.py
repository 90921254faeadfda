# <<< runnable copy of sources/explicit_mask_argument_functional.py for the goldens: the model code is the corpus file's;
# Replaced: the saved sentences and tags -> synthetic post-padded ones; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: TF2 functional models that compute the padding mask themselves and pass it with
#   mask= (the masking guide's "passing mask tensors directly to layers", applied in the
#   functional API by many repositories: `mask = tf.math.not_equal(inputs, 0)`)
# Kind: an unmasked Embedding, a mask built with a TensorFlow op on the Input, passed to a GRU
#   and to a second GRU through mask=; a Dense per step; sparse targets.
import numpy as np
import tensorflow as tf

VOCAB, MAXLEN, TAGS = 800, 18, 6

inputs = tf.keras.Input(shape=(MAXLEN,), dtype='int32')
mask = tf.math.not_equal(inputs, 0)
x = tf.keras.layers.Embedding(VOCAB, 16)(inputs)
x = tf.keras.layers.GRU(24, return_sequences=True)(x, mask=mask)
x = tf.keras.layers.GRU(24, return_sequences=True)(x, mask=mask)
outputs = tf.keras.layers.Dense(TAGS, activation='softmax')(x)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')

# <<< replaced: the saved arrays -> synthetic ones
import _synthetic as syn
sentences = syn.padded_ids(4, MAXLEN, VOCAB, min_len=2)
tags = syn.tag_ids(sentences, TAGS)
# >>>
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (sentences, tags)}
# >>>
