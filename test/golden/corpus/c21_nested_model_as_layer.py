# corpus: a nested Sequential model used as a layer inside a functional model
import keras
from keras import layers

encoder = keras.Sequential([
    layers.Input(shape=(7,)),
    layers.Embedding(15, 4, mask_zero=True),
    layers.LSTM(5, return_sequences=True),
], name="encoder")

inp = keras.Input(shape=(7,))
h = encoder(inp)
out = layers.TimeDistributed(layers.Dense(2))(h)
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss="mse")
