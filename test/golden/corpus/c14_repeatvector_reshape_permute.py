# corpus: RepeatVector, Reshape and Permute (seq2seq-like shape plumbing)
import keras
from keras import layers

steps = 4
model = keras.Sequential([
    layers.Input(shape=(6, 3)),
    layers.Masking(),
    layers.LSTM(8),
    layers.RepeatVector(steps),
    layers.LSTM(8, return_sequences=True),
    layers.Reshape((steps, 2, 4)),
    layers.Permute((1, 3, 2)),
    layers.Reshape((steps, 8)),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
