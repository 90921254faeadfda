# corpus: Lambda over a `def` function, with a `def` mask function that keeps the mask
import keras
from keras import layers


def double(t):
    return t * 2.0


def keep_mask(inputs, mask=None):
    return mask


model = keras.Sequential([
    layers.Input(shape=(7,)),
    layers.Embedding(10, 4, mask_zero=True),
    layers.Lambda(double, mask=keep_mask),
    layers.GRU(3, return_sequences=True),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
