# corpus: custom layers' compute_mask and call(mask=None): a weighted mean over valid steps
# returning no mask (compute_mask -> None), a time shift slicing data and mask alike, a layer
# whose call takes the mask and keeps Keras' default compute_mask, weights made in build()
import numpy as np
import tensorflow as tf
import keras
from keras import layers


class TimeShift(layers.Layer):
    def call(self, inputs):
        return inputs[:, 1:]

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return mask[:, 1:]


class ZeroPadded(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = inputs * tf.expand_dims(tf.cast(mask, inputs.dtype), -1)
        return inputs


class AttentionPool(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self.w = self.add_weight(name="att_w", shape=(input_shape[-1], 1), initializer="glorot_uniform")
        self.b = self.add_weight(name="att_b", shape=(1,), initializer="zeros")

    def call(self, x, mask=None):
        e = tf.tanh(tf.matmul(x, self.w) + self.b)
        a = tf.exp(tf.squeeze(e, -1))
        if mask is not None:
            a *= tf.cast(mask, a.dtype)
        a /= tf.reduce_sum(a, axis=1, keepdims=True) + 1e-7
        return tf.reduce_sum(x * tf.expand_dims(a, -1), axis=1)

    def compute_mask(self, inputs, mask=None):
        return None


tokens = keras.Input(shape=(7,), dtype="int32")
x = layers.Embedding(30, 5, mask_zero=True)(tokens)
x = TimeShift()(x)
x = ZeroPadded()(x)
x = layers.GRU(4, return_sequences=True)(x)
pooled = AttentionPool()(x)
outputs = layers.Dense(1, activation="sigmoid")(pooled)
model = keras.Model(tokens, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
