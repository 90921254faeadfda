# corpus: explicit InputLayer in a Sequential, Embedding without mask_zero (no mask anywhere)
import keras
from keras import layers

model = keras.Sequential()
model.add(layers.InputLayer(shape=(6,)))
model.add(layers.Embedding(10, 4))
model.add(layers.LSTM(3, return_sequences=True))
model.add(layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
