"""A padded tagger with a hand-written masked loss and accuracy as a compiled metric.

The loss masks itself (labels of 0 are padding) and reduces to one number per batch, so
Keras' own mask from the Embedding cannot weight it; accuracy, a compiled metric, is
weighted by that mask in Keras 3 and tf-keras alike, while accuracy computed after
predict() over every position counts the padding too.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def masked_sparse_ce(y_true, y_pred):
    mask = tf.cast(tf.not_equal(y_true, 0), tf.float32)
    loss = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    return tf.reduce_sum(loss * mask) / tf.reduce_sum(mask)


x = np.array([[3, 1, 4, 1, 5, 0, 0, 0, 0, 0], [2, 7, 1, 8, 0, 0, 0, 0, 0, 0]])
y = np.array([[1, 2, 1, 2, 1, 0, 0, 0, 0, 0], [2, 1, 2, 1, 0, 0, 0, 0, 0, 0]])

model = keras.Sequential([
    layers.Input(shape=(10,)),
    layers.Embedding(10, 8, mask_zero=True),
    layers.LSTM(8, return_sequences=True),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss=masked_sparse_ce, metrics=["accuracy"])
model.fit(x, y, epochs=2, batch_size=2)
