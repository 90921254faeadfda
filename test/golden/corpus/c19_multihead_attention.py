# corpus: MultiHeadAttention self-attention after Embedding(mask_zero=True), then pooling
import keras
from keras import layers

inp = keras.Input(shape=(8,))
x = layers.Embedding(25, 16, mask_zero=True)(inp)
att = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
x = layers.LayerNormalization()(layers.Add()([x, att]))
x = layers.GlobalAveragePooling1D()(x)
model = keras.Model(inp, layers.Dense(1, activation="sigmoid")(x))
model.compile(optimizer="adam", loss="binary_crossentropy")
