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

sentences = np.load('sentences.npy')
tags = np.load('tags.npy')
model.fit(sentences, tags, epochs=3)
