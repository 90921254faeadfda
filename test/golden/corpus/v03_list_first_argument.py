# corpus: layers whose first argument is a list of masked tensors: a Lambda with mask=, a nested model
import keras
from keras import layers

a = keras.Input(shape=(5,))
b = keras.Input(shape=(5,))
embed = layers.Embedding(10, 3, mask_zero=True)
ea, eb = embed(a), embed(b)
mean = layers.Lambda(lambda pair: (pair[0] + pair[1]) / 2.0, mask=lambda pair, masks: masks[0])([ea, eb])
h = layers.LSTM(4, return_sequences=True)(mean)
lambda_on_list = keras.Model([a, b], layers.Dense(1)(h))
lambda_on_list.compile(optimizer="adam", loss="mse")

x1 = keras.Input(shape=(5, 3))
x2 = keras.Input(shape=(5, 3))
pair = keras.Model([x1, x2], layers.Subtract()([x1, x2]), name="pair")
difference = pair([ea, eb])
g = layers.GRU(2, return_sequences=True)(difference)
nested_on_list = keras.Model([a, b], layers.Dense(1)(g))
nested_on_list.compile(optimizer="adam", loss="mse")
