# corpus: BatchNormalization and LayerNormalization between Masking and an LSTM
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(8, 5)),
    layers.Masking(0.0),
    layers.BatchNormalization(),
    layers.LayerNormalization(),
    layers.LSTM(4, return_sequences=True),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
