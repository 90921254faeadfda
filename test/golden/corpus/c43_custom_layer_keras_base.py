# corpus: classes deriving from Keras layer classes keep their base's masking: an LSTM subclass
# fixing return_sequences in its own __init__, a GRU subclass with no body of its own, and a
# Dense subclass that changes call (then its own call and Keras' default compute_mask apply)
import keras
from keras import layers


class SequenceLSTM(layers.LSTM):
    def __init__(self, units, **kwargs):
        super().__init__(units, return_sequences=True, **kwargs)


class PlainGRU(layers.GRU):
    pass


tokens = keras.Input(shape=(6,), dtype="int32")
x = layers.Embedding(25, 4, mask_zero=True)(tokens)
x = SequenceLSTM(5)(x)
x = PlainGRU(3)(x)
outputs = layers.Dense(1)(x)
model = keras.Model(tokens, outputs)
model.compile(optimizer="adam", loss="mse")

steps = keras.Input(shape=(6,), dtype="int32")
y = layers.Embedding(25, 4, mask_zero=True)(steps)
y = SequenceLSTM(5)(y)
y = PlainGRU(2, return_sequences=True)(y)
tagger = keras.Model(steps, layers.Dense(4, activation="softmax")(y))
tagger.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
