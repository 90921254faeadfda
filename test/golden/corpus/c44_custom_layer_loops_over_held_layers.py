# corpus: a custom layer holding a list of custom blocks, run in loops (over range(self.depth) and
# over the list itself), with a Dropout taking the training flag
import keras
from keras import layers

class Block(layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.supports_masking = True
        self.dense = layers.Dense(units)
        self.norm = layers.LayerNormalization()
    def call(self, x):
        return self.norm(x + self.dense(x))

class Stack(layers.Layer):
    def __init__(self, units, depth, **kw):
        super().__init__(**kw)
        self.supports_masking = True
        self.depth = depth
        self.blocks = [Block(units) for _ in range(depth)]
        self.drop = layers.Dropout(0.1)
    def call(self, x, training=None):
        x = self.drop(x, training=training)
        for i in range(self.depth):
            x = self.blocks[i](x)
        for block in self.blocks:
            x = block(x)
        return x

tokens = keras.Input(shape=(6,), dtype="int32")
x = layers.Embedding(20, 8, mask_zero=True)(tokens)
x = Stack(8, 2)(x)
out = layers.GlobalAveragePooling1D()(x)
model = keras.Model(tokens, layers.Dense(1)(out))
model.compile(optimizer="adam", loss="mse")
