# corpus: LSTM(return_sequences=True, return_state=True) in a functional model (several outputs of one layer)
import keras
from keras import layers

inp = keras.Input(shape=(6,))
e = layers.Embedding(10, 4, mask_zero=True)(inp)
seq, h, c = layers.LSTM(3, return_sequences=True, return_state=True)(e)
out = layers.Dense(1)(seq)
state_out = layers.Dense(1)(layers.concatenate([h, c]))
model = keras.Model(inp, [out, state_out])
model.compile(optimizer="adam", loss=["mse", "mse"])
