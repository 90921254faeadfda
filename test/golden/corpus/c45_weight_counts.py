# corpus: layers whose weight count depends on their options (use_bias, center/scale,
# reset_after, use_scale, score_mode, value_dim, output_shape), no mask anywhere
import keras
from keras import layers

seq = keras.Input(shape=(6, 5))
a = layers.Dense(7, use_bias=False)(seq)
b = layers.Conv1D(4, 3, padding="same", use_bias=False)(a)
c = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d")(b)
d = layers.BatchNormalization(center=False)(c)
e = layers.LayerNormalization(scale=False)(d)
f = layers.GRU(2, reset_after=False, return_sequences=True)(e)
g = layers.LSTM(3, use_bias=False, return_sequences=True)(f)
h = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True))(g)
i = layers.AdditiveAttention(use_scale=True)([h, h])
j = layers.Attention(use_scale=True, score_mode="concat")([i, i])
k = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=(5,))(j, j)
out = layers.GlobalAveragePooling1D()(k)
model = keras.Model(seq, out)
model.compile(optimizer="adam", loss="mse")
