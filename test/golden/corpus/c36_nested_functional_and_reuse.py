# corpus: a nested functional model reused twice (shared model as a layer) plus Average
import keras
from keras import layers

tok = keras.Input(shape=(6,))
enc_out = layers.GRU(3, return_sequences=True)(layers.Embedding(20, 4, mask_zero=True)(tok))
encoder = keras.Model(tok, enc_out, name="shared_encoder")

a = keras.Input(shape=(6,))
b = keras.Input(shape=(6,))
merged = layers.Average()([encoder(a), encoder(b)])
model = keras.Model([a, b], layers.Dense(1)(merged))
model.compile(optimizer="adam", loss="mse")
