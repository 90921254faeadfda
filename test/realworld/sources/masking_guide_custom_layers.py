# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, guides/understanding_masking_and_padding.py
#   commit 0845fa96b2b9c5fca8fab94b7278d0adc4d9a1a2 (Apache-2.0)
#   https://github.com/keras-team/keras-io/blob/0845fa96b2b9c5fca8fab94b7278d0adc4d9a1a2/guides/understanding_masking_and_padding.py
# Kind: a guide script: tf.keras imports, several models bound to the same name, custom layers
#   with supports_masking, compute_mask and call(inputs, mask=None).
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

sentences = [
    [12, 431, 7],
    [5, 88, 2301, 41, 630],
    [19, 64, 3, 902, 77, 630],
]

# pad_sequences pads with zeros, at the end here ("post")
padded = tf.keras.preprocessing.sequence.pad_sequences(sentences, padding="post")
print(padded)

embedding = layers.Embedding(input_dim=4000, output_dim=16, mask_zero=True)
embedded = embedding(padded)
print(embedded._keras_mask)

# The mask travels with the tensor through a Sequential model ...
model = keras.Sequential([
    layers.Embedding(input_dim=4000, output_dim=16, mask_zero=True),
    layers.LSTM(32),
])

# ... and through a functional one
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=4000, output_dim=16, mask_zero=True)(inputs)
outputs = layers.LSTM(32)(x)
model = keras.Model(inputs, outputs)


class HalveTime(keras.layers.Layer):
    """Cuts a sequence in two along the time axis, and its mask with it."""

    def call(self, inputs):
        return tf.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return tf.split(mask, 2, axis=1)


class LookupWithMask(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super(LookupWithMask, self).__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero

    def build(self, input_shape):
        self.table = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer="random_normal",
            dtype="float32",
        )

    def call(self, inputs):
        return tf.nn.embedding_lookup(self.table, inputs)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, 0)


class ClippedRelu(keras.layers.Layer):
    def __init__(self, **kwargs):
        super(ClippedRelu, self).__init__(**kwargs)
        # safe to pass the mask on: the time axis is untouched
        self.supports_masking = True

    def call(self, inputs):
        return tf.minimum(tf.nn.relu(inputs), 6.0)


class MaskedTimeSoftmax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        weights = tf.expand_dims(tf.cast(mask, "float32"), -1)
        exps = tf.exp(inputs) * weights
        total = tf.reduce_sum(exps, axis=1, keepdims=True)
        return exps / total


inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=4000, output_dim=16, mask_zero=True)(inputs)
x = ClippedRelu()(x)
outputs = layers.LSTM(32)(x)
relu_model = keras.Model(inputs, outputs)

tokens = keras.Input(shape=(None,), dtype="int32")
h = LookupWithMask(50, 8, mask_zero=True)(tokens)
first, second = HalveTime()(h)
h = layers.LSTM(8, return_sequences=True)(second)
h = layers.Dense(1)(h)
scores = MaskedTimeSoftmax()(h)
attention_model = keras.Model(tokens, scores)
attention_model.compile(optimizer="adam", loss="mse")
