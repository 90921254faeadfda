"""Masked losses written by hand, in the styles public code writes them, on padded taggers.

The inputs are padded with 0 (Embedding(mask_zero=True) and Masking make Keras' own mask);
the float targets are padded with PAD, the token targets with 0. Each model is compiled with
one of the losses below, so what Keras does with its mask for that loss can be seen:
a loss that returns a scalar has already reduced what the mask would weight; a loss that
masks itself per timestep is masked a second time by Keras.
"""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

PAD = -1.0
VOCAB = 6
STEPS = 6


def masked_mse(y_true, y_pred):
    # The mask from the targets' padding, then sum over sum: one number for the batch.
    mask = tf.cast(tf.not_equal(y_true, PAD), tf.float32)
    return tf.reduce_sum(tf.square(y_true - y_pred) * mask) / tf.reduce_sum(mask)


def masked_mae_per_step(y_true, y_pred):
    # Masked by itself and left per timestep: Keras' mask weights it again.
    mask = tf.cast(tf.math.not_equal(y_true, PAD), tf.float32)
    return tf.reduce_mean(tf.abs(y_true - y_pred) * mask, axis=-1)


loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def loss_function(real, pred):
    # TensorFlow's translation tutorial: the mean over every position, padding included.
    mask = tf.math.logical_not(tf.math.equal(real, 0))
    loss_ = loss_object(real, pred)
    mask = tf.cast(mask, dtype=loss_.dtype)
    loss_ *= mask
    return tf.reduce_mean(loss_)


class MaskedHuber(keras.losses.Loss):
    def __init__(self, pad=PAD, delta=1.0, name="masked_huber"):
        super().__init__(name=name)
        self.pad = pad
        self.delta = delta

    def call(self, y_true, y_pred):
        mask = tf.cast(tf.not_equal(y_true, self.pad), tf.float32)
        error = tf.abs(y_true - y_pred)
        small = tf.minimum(error, self.delta)
        huber = 0.5 * tf.square(small) + self.delta * (error - small)
        return tf.reduce_sum(huber * mask, axis=-1) / tf.maximum(tf.reduce_sum(mask, axis=-1), 1.0)


def make_masked_loss(pad):
    def loss(y_true, y_pred):
        mask = tf.cast(tf.not_equal(y_true, pad), tf.float32)
        return tf.reduce_mean(tf.square(y_true - y_pred) * mask)
    return loss


def tagger(units):
    return keras.Sequential([
        layers.Input(shape=(STEPS,)),
        layers.Embedding(VOCAB, 4, mask_zero=True),
        layers.LSTM(5, return_sequences=True),
        layers.Dense(units),
    ])


sum_over_mask = tagger(1)
sum_over_mask.compile(optimizer="adam", loss=masked_mse)

per_step = tagger(2)
per_step.compile(optimizer="adam", loss=masked_mae_per_step)

translator = keras.Sequential([
    layers.Input(shape=(STEPS,)),
    layers.Embedding(VOCAB, 4, mask_zero=True),
    layers.GRU(5, return_sequences=True),
    layers.Dense(VOCAB),
])
translator.compile(optimizer="adam", loss=loss_function)

huber = keras.Sequential([
    layers.Input(shape=(STEPS, 3)),
    layers.Masking(mask_value=0.0),
    layers.LSTM(4, return_sequences=True),
    layers.Dense(1),
])
huber.compile(optimizer="adam", loss=MaskedHuber())

# Conv1D drops Keras' mask: only the loss' own mask is left.
conv = keras.Sequential([
    layers.Input(shape=(STEPS,)),
    layers.Embedding(VOCAB, 4, mask_zero=True),
    layers.Conv1D(4, 3, padding="same"),
    layers.Dense(1),
])
conv.compile(optimizer="adam", loss=make_masked_loss(PAD))
