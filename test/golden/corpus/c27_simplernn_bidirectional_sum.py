# corpus: Bidirectional(SimpleRNN, merge_mode="sum") returning sequences, then Bidirectional(GRU) last state
import keras
from keras import layers

inp = keras.Input(shape=(10,))
x = layers.Embedding(12, 4, mask_zero=True)(inp)
x = layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode="sum")(x)
x = layers.Bidirectional(layers.GRU(2))(x)
model = keras.Model(inp, layers.Dense(1)(x))
model.compile(optimizer="adam", loss="mse")
