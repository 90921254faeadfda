# corpus: Concatenate of a masked and an unmasked sequence, on the feature axis and on the time axis
import keras
from keras import layers

tokens = keras.Input(shape=(6,))
features = keras.Input(shape=(6, 3))
embedded = layers.Embedding(12, 4, mask_zero=True)(tokens)
joined = layers.Concatenate()([embedded, features])
h = layers.LSTM(5, return_sequences=True)(joined)
by_feature = keras.Model([tokens, features], layers.Dense(1)(h))
by_feature.compile(optimizer="adam", loss="mse")

projected = layers.Dense(4)(features)
longer = layers.Concatenate(axis=1)([embedded, projected])
g = layers.GRU(3, return_sequences=True)(longer)
by_time = keras.Model([tokens, features], layers.Dense(1)(g))
by_time.compile(optimizer="adam", loss="mse")
