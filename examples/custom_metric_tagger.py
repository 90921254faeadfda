"""A padded tagger with hand-written metrics: a keras.metrics.Metric subclass and a function.

Keras wraps the function in a mean that its own mask (from the Embedding) weights, in Keras 3
and tf-keras alike. The Metric subclass counts every position it is given, weighted by
`sample_weight` when it gets one: Keras 3 gives it no mask, so it counts the padding; tf-keras
passes the output mask as `sample_weight`, so it does not.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class PositionAccuracy(keras.metrics.Metric):
    def __init__(self, name="position_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.hits = self.add_weight(name="hits", initializer="zeros")
        self.seen = self.add_weight(name="seen", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        hit = tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)
        weight = tf.ones_like(hit) if sample_weight is None else tf.cast(sample_weight, tf.float32)
        self.hits.assign_add(tf.reduce_sum(hit * weight))
        self.seen.assign_add(tf.reduce_sum(weight))

    def result(self):
        return tf.math.divide_no_nan(self.hits, self.seen)


def token_hits(y_true, y_pred):
    return tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)


x = np.array([[3, 1, 4, 1, 5, 0, 0, 0, 0, 0], [2, 7, 1, 8, 0, 0, 0, 0, 0, 0]])
y = np.array([[1, 2, 1, 2, 1, 0, 0, 0, 0, 0], [2, 1, 2, 1, 0, 0, 0, 0, 0, 0]])

model = keras.Sequential([
    layers.Input(shape=(10,)),
    layers.Embedding(10, 8, mask_zero=True),
    layers.LSTM(8, return_sequences=True),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[PositionAccuracy(), token_hits])
model.fit(x, y, epochs=2, batch_size=2)
