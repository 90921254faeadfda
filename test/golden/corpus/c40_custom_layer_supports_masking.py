# corpus: custom layer classes and supports_masking: a class attribute, set in __init__, not set
# (Keras drops the mask: Keras 3 with a warning), not set but call returns its input (the tensor
# keeps its mask), and a subclass of a same-file custom layer
import numpy as np
import tensorflow as tf
import keras
from keras import layers


class ClassAttributeRelu(layers.Layer):
    supports_masking = True

    def call(self, inputs):
        return tf.nn.relu(inputs)


class InitScale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.supports_masking = True

    def call(self, inputs):
        return inputs * self.factor


class HalfScale(InitScale):
    def __init__(self, **kwargs):
        super().__init__(factor=0.5, **kwargs)


class Doubling(layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


class PassThrough(layers.Layer):
    def call(self, inputs):
        return inputs


tokens = keras.Input(shape=(6,), dtype="int32")
x = layers.Embedding(20, 4, mask_zero=True)(tokens)
x = ClassAttributeRelu()(x)
x = InitScale(3.0)(x)
x = HalfScale()(x)
outputs = layers.LSTM(3, return_sequences=True)(x)
supported = keras.Model(tokens, outputs)
supported.compile(optimizer="adam", loss="mse")

tokens_b = keras.Input(shape=(6,), dtype="int32")
y = layers.Embedding(20, 4, mask_zero=True)(tokens_b)
y = PassThrough()(y)
y = layers.Dense(2)(y)
y = Doubling()(y)
outputs_b = layers.Dense(1)(y)
unsupported = keras.Model(tokens_b, outputs_b)
unsupported.compile(optimizer="adam", loss="mse")
