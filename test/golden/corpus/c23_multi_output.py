# corpus: functional model with two outputs (per-timestep tags and a sequence label), two losses
import keras
from keras import layers

inp = keras.Input(shape=(8,), name="tokens")
h = layers.Embedding(30, 6, mask_zero=True)(inp)
h = layers.LSTM(5, return_sequences=True)(h)
tags = layers.Dense(4, activation="softmax", name="tags")(h)
label = layers.Dense(1, activation="sigmoid", name="label")(layers.GlobalAveragePooling1D()(h))
model = keras.Model(inputs=inp, outputs=[tags, label])
model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "binary_crossentropy"])
