"""Metrics written by hand, in the styles public code writes them, on a padded tagger and a classifier.

A `keras.metrics.Metric` subclass keeps its own state (add_weight in __init__, assign_add in
update_state, a division in result); a plain function is wrapped by Keras in a mean. What each
Keras passes to them as `sample_weight` (the output mask, the sample weights, or nothing)
decides whether the padding counts: the fixtures record it.
"""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

VOCAB = 6
STEPS = 6
CLASSES = 3


class MaskedAccuracy(keras.metrics.Metric):
    """Accuracy over the positions whose target is not the padding id 0, weighted when Keras gives weights."""

    def __init__(self, name="masked_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = tf.cast(y_true, tf.int64)
        hits = tf.cast(tf.equal(labels, tf.argmax(y_pred, axis=-1)), tf.float32)
        valid = tf.cast(tf.not_equal(labels, 0), tf.float32)
        if sample_weight is not None:
            valid = valid * tf.cast(sample_weight, tf.float32)
        self.total.assign_add(tf.reduce_sum(hits * valid))
        self.count.assign_add(tf.reduce_sum(valid))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)


class PositionAccuracy(keras.metrics.Metric):
    """Every position it is given counts, weighted by sample_weight when Keras passes one."""

    def __init__(self, name="position_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.hits = self.add_weight(name="hits", initializer="zeros")
        self.seen = self.add_weight(name="seen", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = tf.reshape(tf.cast(y_true, tf.int64), [-1])
        hit = tf.cast(tf.equal(labels, tf.reshape(tf.argmax(y_pred, axis=-1), [-1])), tf.float32)
        if sample_weight is None:
            weight = tf.ones_like(hit)
        else:
            weight = tf.reshape(tf.cast(sample_weight, tf.float32) * tf.ones_like(tf.cast(y_true, tf.float32)), [-1])
        self.hits.assign_add(tf.reduce_sum(hit * weight))
        self.seen.assign_add(tf.reduce_sum(weight))

    def result(self):
        return self.hits / self.seen

    def reset_state(self):
        self.hits.assign(0.0)
        self.seen.assign(0.0)


def token_hits(y_true, y_pred):
    # A value per position: Keras wraps the function in a mean, which its own mask weights.
    return tf.cast(tf.equal(tf.cast(y_true, tf.int64), tf.argmax(y_pred, axis=-1)), tf.float32)


def top_class_hits(y_true, y_pred):
    # One value per sample of a classifier whose targets are (batch, 1) class ids.
    labels = tf.cast(tf.reshape(y_true, [-1]), tf.int64)
    return tf.cast(tf.equal(labels, tf.argmax(y_pred, axis=-1)), tf.float32)


tagger = keras.Sequential([
    layers.Input(shape=(STEPS,)),
    layers.Embedding(VOCAB, 4, mask_zero=True),
    layers.LSTM(5, return_sequences=True),
    layers.Dense(CLASSES, activation="softmax"),
])
tagger.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
               metrics=[MaskedAccuracy(), PositionAccuracy(), token_hits],
               weighted_metrics=[PositionAccuracy(name="weighted_position_accuracy")])

classifier = keras.Sequential([
    layers.Input(shape=(STEPS,)),
    layers.Embedding(VOCAB, 4, mask_zero=True),
    layers.LSTM(5),
    layers.Dense(CLASSES, activation="softmax"),
])
classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                   metrics=[PositionAccuracy(), top_class_hits])
