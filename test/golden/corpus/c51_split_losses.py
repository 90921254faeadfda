"""Masked losses that split their targets with tf.split, as knowledge-tracing code does.

The targets hold one column per skill (which skill the step answers, one-hot) and a last
column with the answer; padded steps hold PAD everywhere. `tf.split` takes the parts'
sizes, one of which may be -1 (what the others leave), or a count of equal parts.
"""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

PAD = -1.0
VOCAB = 6
STEPS = 6
SKILLS = 3


def skill_loss(y_true, y_pred):
    # The knowledge-tracing loss: the prediction for the skill asked, against the answer (the
    # output's last unit is left out, so targets and outputs have the same shape).
    mask = 1.0 - tf.cast(tf.equal(y_true, PAD), y_true.dtype)
    y_true = y_true * mask
    skills, answer = tf.split(y_true, num_or_size_splits=[-1, 1], axis=-1)
    predicted, _ = tf.split(y_pred, [SKILLS, 1], axis=-1)
    y_pred = tf.reduce_sum(predicted * skills, axis=-1, keepdims=True)
    return keras.losses.binary_crossentropy(answer, y_pred)


def halves_loss(y_true, y_pred):
    # Two equal parts by count, and sizes written out with the open one first.
    first, second = tf.split(y_true, 2, axis=-1)
    head, tail = tf.split(y_pred, [-1, 2], -1)
    return tf.reduce_mean(tf.square(first - head) + tf.abs(second - tail), axis=-1)


def tracer(units, activation=None):
    return keras.Sequential([
        layers.Input(shape=(STEPS,)),
        layers.Embedding(VOCAB, 4, mask_zero=True),
        layers.LSTM(5, return_sequences=True),
        layers.Dense(units, activation=activation),
    ])


skills = tracer(SKILLS + 1, "sigmoid")
skills.compile(optimizer="adam", loss=skill_loss)

halves = tracer(4)
halves.compile(optimizer="adam", loss=halves_loss)
