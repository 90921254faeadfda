# A custom layer holding layers (a Sequential block and a LayerNormalization) between an
# Embedding's mask and the loss; trained, then checkpointed with save_weights, as
# ModelCheckpoint(save_weights_only=True) does. Read by MaskLens from this source.
import keras
from keras import layers


class ResidualFeedForward(layers.Layer):
    def __init__(self, units, hidden, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.inner = keras.Sequential([layers.Dense(hidden, activation="relu"), layers.Dense(units)])
        self.norm = layers.LayerNormalization()

    def call(self, x):
        return self.norm(x + self.inner(x))


tokens = keras.Input(shape=(7,), dtype="int32")
x = layers.Embedding(12, 4, mask_zero=True)(tokens)
x = layers.LSTM(4, return_sequences=True)(x)
x = ResidualFeedForward(4, 8)(x)
outputs = layers.Dense(2)(x)
model = keras.Model(tokens, outputs)
model.compile(optimizer="adam", loss="mse")
