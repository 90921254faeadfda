# Project module of the corpus entry tagger_project_local_imports (written for the corpus):
# a self-attention layer that passes the padding mask on.
import tensorflow as tf


class MaskedSelfAttention(tf.keras.layers.Layer):
    """Dot-product self-attention over the valid steps; the output keeps the input's mask."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.supports_masking = True

    def build(self, input_shape):
        self.query = self.add_weight(name='query', shape=(input_shape[-1], self.units), initializer='glorot_uniform')
        self.key = self.add_weight(name='key', shape=(input_shape[-1], self.units), initializer='glorot_uniform')
        super().build(input_shape)

    def call(self, inputs, mask=None):
        q = tf.matmul(inputs, self.query)
        k = tf.matmul(inputs, self.key)
        scores = tf.matmul(q, k, transpose_b=True) / tf.sqrt(float(self.units))
        if mask is not None:
            scores += (1.0 - tf.cast(mask[:, None, :], scores.dtype)) * -1e9
        weights = tf.nn.softmax(scores, axis=-1)
        return tf.matmul(weights, inputs)

    def compute_mask(self, inputs, mask=None):
        return mask
