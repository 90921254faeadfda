"""A subclassed model whose call() unpacks a tuple input (`history, keep = inputs`) and uses
TensorFlow functions on the tensors between its layers (convert_to_tensor, reshape, sigmoid,
cast, `*`), which Keras runs on real tensors; and a masked loss that makes its Keras loss
object inside the function, as TensorFlow's translation tutorial does.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

VOCAB = 6
STEPS = 6


class Policy(keras.Model):
    def __init__(self, units=5, name="policy"):
        super().__init__(name=name)
        self.masking = layers.Masking(mask_value=0.0)
        self.lstm = layers.LSTM(units)
        self.out = layers.Dense(6, name="output_dense")

    def call(self, inputs):
        history, keep = inputs
        h = tf.convert_to_tensor(history, dtype=tf.float32)
        h = self.lstm(self.masking(h))
        logits = tf.reshape(self.out(h), (-1, 3, 2))
        return tf.sigmoid(logits) * tf.cast(keep, tf.float32)


policy = Policy()
policy.compile(optimizer="adam", loss="binary_crossentropy")
history = np.array([[[1.0, 2.0, 0.5]] * 4 + [[0.0, 0.0, 0.0]] * 2] * 2, dtype="float32")
policy((history, np.ones((2, 3, 2), dtype="float32")))


def masked_loss(y_true, y_pred):
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")
    loss = loss_fn(y_true, y_pred)
    mask = tf.cast(y_true != 0, loss.dtype)
    loss *= mask
    return tf.reduce_sum(loss) / tf.reduce_sum(mask)


tagger = keras.Sequential([
    layers.Input(shape=(STEPS,)),
    layers.Embedding(VOCAB, 4, mask_zero=True),
    layers.GRU(5, return_sequences=True),
    layers.Dense(VOCAB),
])
tagger.compile(optimizer="adam", loss=masked_loss)
