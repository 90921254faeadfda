# corpus: subclassed keras.Model with layers in __init__ and a linear call
import numpy as np
import keras
from keras import layers


class Tagger(keras.Model):
    def __init__(self, vocab=20, units=6, **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Embedding(vocab, 4, mask_zero=True)
        self.rnn = layers.LSTM(units, return_sequences=True)
        self.head = layers.Dense(3, activation="softmax")

    def call(self, inputs):
        x = self.embed(inputs)
        x = self.rnn(x)
        return self.head(x)


model = Tagger()
x = np.array([[4, 5, 6, 0, 0], [1, 2, 3, 4, 5]])
model(x)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
