# corpus: Keras runs a functional graph deepest first, in map_graph's order; MultiHeadAttention
# deletes its inputs' masks, so a layer on the same tensor that runs after it sees none
import keras
from keras import layers

inp = keras.Input(shape=(6,))
x = layers.Embedding(8, 4, mask_zero=True)(inp)
before = layers.Dense(4, name="before")(x)
att = layers.MultiHeadAttention(num_heads=1, key_dim=2)(x, x)
after = layers.Dense(4, name="after")(x)
out = layers.Concatenate()([att, before, after])
model = keras.Model(inp, out)

out_first = layers.Concatenate()([before, att, after])
model_first = keras.Model(inp, out_first)
