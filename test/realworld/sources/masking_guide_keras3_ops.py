# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, guides/understanding_masking_and_padding.py in its Keras 3
#   form (keras.ops instead of tf.*), as the keras.io masking guide shows it today
#   https://github.com/keras-team/keras-io/blob/master/guides/understanding_masking_and_padding.py (Apache-2.0)
# Kind: custom layers written with keras.ops: compute_mask splitting the mask, an embedding
#   making its own mask, supports_masking as a class attribute, a softmax over valid steps
#   taking mask=; every model compiled so its loss can be evaluated.
import numpy as np
import keras
from keras import ops
from keras import layers


class TemporalSplit(keras.layers.Layer):
    """Split the input tensor into 2 tensors along the time dimension."""

    def call(self, inputs):
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return ops.split(mask, 2, axis=1)


class CustomEmbedding(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero
        self.embeddings = self.add_weight(
            shape=(input_dim, output_dim),
            initializer="random_normal",
            dtype="float32",
        )

    def call(self, inputs):
        inputs = ops.cast(inputs, "int32")
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)


class MyActivation(keras.layers.Layer):
    supports_masking = True

    def call(self, inputs):
        return ops.relu(inputs)


class TemporalSoftmax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        assert mask is not None
        broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
        inputs_exp = ops.exp(inputs) * broadcast_float_mask
        inputs_sum = ops.sum(inputs_exp, axis=1, keepdims=True)
        return inputs_exp / inputs_sum


inputs = keras.Input(shape=(None,), dtype="int32")
x = CustomEmbedding(input_dim=300, output_dim=16, mask_zero=True)(inputs)
x = MyActivation()(x)
outputs = layers.LSTM(8, return_sequences=True)(x)
activation_model = keras.Model(inputs, outputs)
activation_model.compile(optimizer="adam", loss="mse")

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=300, output_dim=16, mask_zero=True)(inputs)
first_half, second_half = TemporalSplit()(x)
x = layers.Dense(1)(second_half)
outputs = TemporalSoftmax()(x)
softmax_model = keras.Model(inputs, outputs)
softmax_model.compile(optimizer="adam", loss="mse")
