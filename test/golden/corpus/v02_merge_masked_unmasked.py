# corpus: merge layers on one masked and one unmasked input, and on two inputs with different masks
import keras
from keras import layers

tokens = keras.Input(shape=(6,))
features = keras.Input(shape=(6, 4))
embedded = layers.Embedding(12, 4, mask_zero=True)(tokens)
summed = layers.Add()([embedded, layers.Dense(4)(features)])
h = layers.GRU(3, return_sequences=True)(summed)
one_unmasked = keras.Model([tokens, features], layers.Dense(1)(h))
one_unmasked.compile(optimizer="adam", loss="mse")

left = keras.Input(shape=(6,))
right = keras.Input(shape=(6,))
shared = layers.Embedding(12, 4, mask_zero=True)
largest = layers.Maximum()([shared(left), shared(right)])
product = layers.Multiply()([shared(left), shared(right)])
joined = layers.Concatenate()([largest, product])
s = layers.SimpleRNN(3, return_sequences=True)(joined)
two_masks = keras.Model([left, right], layers.Dense(1)(s))
two_masks.compile(optimizer="adam", loss="mse")
