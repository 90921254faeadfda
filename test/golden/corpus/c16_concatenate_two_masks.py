# corpus: Concatenate of two masked sequences (Concatenate class and concatenate function)
import keras
from keras import layers

a = keras.Input(shape=(5,))
b = keras.Input(shape=(5,))
ea = layers.Embedding(10, 3, mask_zero=True)(a)
eb = layers.Embedding(10, 3, mask_zero=True)(b)
c1 = layers.Concatenate(axis=-1)([ea, eb])
c2 = layers.concatenate([c1, eb])
h = layers.LSTM(4, return_sequences=True)(c2)
model = keras.Model([a, b], layers.Dense(1)(h))
model.compile(optimizer="adam", loss="mse")
