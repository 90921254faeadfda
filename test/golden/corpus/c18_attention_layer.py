# corpus: dot-product Attention([query, value]) with masks on both inputs
import keras
from keras import layers

q_in = keras.Input(shape=(5,))
v_in = keras.Input(shape=(7,))
emb = layers.Embedding(20, 8, mask_zero=True)
q = emb(q_in)
v = emb(v_in)
att = layers.Attention()([q, v])
h = layers.LSTM(4, return_sequences=True)(att)
model = keras.Model([q_in, v_in], layers.Dense(1)(h))
model.compile(optimizer="adam", loss="mse")
