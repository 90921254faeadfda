# corpus: Lambda without `mask=` after Masking -> LSTM: the mask is dropped before Dense
import keras
from keras import layers

T, F = 10, 3
model = keras.Sequential([
    layers.Input(shape=(T, F)),
    layers.Masking(),
    layers.LSTM(4, return_sequences=True),
    layers.Lambda(lambda t: t * 2.0),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
