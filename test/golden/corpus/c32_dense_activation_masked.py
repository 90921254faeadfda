# corpus: Dense and Activation directly on a masked sequence (both keep the mask), loss poisson
import keras
from keras import layers

inp = keras.Input(shape=(5, 3))
h = layers.Masking()(inp)
h = layers.Dense(4)(h)
h = layers.Activation("relu")(h)
h = layers.Dense(2, activation="softplus")(h)
model = keras.Model(inp, h)
model.compile(optimizer="adam", loss="poisson")
