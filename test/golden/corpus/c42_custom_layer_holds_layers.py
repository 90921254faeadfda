# corpus: custom layers holding layers: a residual block that supports masking, a feed-forward
# block that does not but returns a held layer's masked output, a Sequential built in __init__
# (not a model of its own), an attention block over MultiHeadAttention
import keras
from keras import layers


class FeedForward(layers.Layer):
    def __init__(self, units, hidden, **kwargs):
        super().__init__(**kwargs)
        self.seq = keras.Sequential([layers.Dense(hidden, activation="relu"), layers.Dense(units)])
        self.add = layers.Add()
        self.norm = layers.LayerNormalization()

    def call(self, x):
        x = self.add([x, self.seq(x)])
        return self.norm(x)


class SelfAttentionBlock(layers.Layer):
    def __init__(self, units, heads, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mha = layers.MultiHeadAttention(num_heads=heads, key_dim=units)
        self.norm = layers.LayerNormalization()

    def call(self, x):
        attended = self.mha(x, x)
        return self.norm(x + attended)


tokens = keras.Input(shape=(6,), dtype="int32")
x = layers.Embedding(40, 8, mask_zero=True)(tokens)
x = SelfAttentionBlock(8, 2)(x)
x = FeedForward(8, 16)(x)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(3, activation="softmax")(x)
classifier = keras.Model(tokens, outputs)
classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
