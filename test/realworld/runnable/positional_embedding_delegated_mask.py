# <<< runnable copy of sources/positional_embedding_delegated_mask.py for the goldens: the model code is the corpus file's;
# Replaced: nothing; removed: the saved dataset and training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: MoritzPlaten/my-models, NAR-transformer-tensorflow/Layers/PositionalEmbedding.py
#   and Layers/PositionalEncoding.py (TensorFlow's "Neural machine translation with a
#   Transformer and Keras" tutorial pattern)
#   commit d9db12e6e15c9c2abc37560ccf3033252acb0506
#   https://github.com/MoritzPlaten/my-models/blob/d9db12e6e15c9c2abc37560ccf3033252acb0506/NAR-transformer-tensorflow/Layers/PositionalEmbedding.py
# Kind: a positional-embedding layer holding Embedding(mask_zero=True) whose compute_mask
#   delegates with `*args, **kwargs` to the inner embedding's compute_mask; call() scales in
#   place (x *= tf.math.sqrt(...)) and adds a NumPy sinusoid table sliced with tf.newaxis;
#   then, in a functional classifier, MultiHeadAttention called on (x, x) with no explicit
#   mask, Add of the residual, LayerNormalization, GlobalAveragePooling1D, a sigmoid head.
import numpy as np
import tensorflow as tf


def positional_encoding(length, depth):
    depth = depth / 2

    positions = np.arange(length)[:, np.newaxis]     # (seq, 1)
    depths = np.arange(depth)[np.newaxis, :] / depth   # (1, depth)

    angle_rates = 1 / (10000 ** depths)         # (1, depth)
    angle_rads = positions * angle_rates      # (pos, depth)

    pos_encoding = np.concatenate(
        [np.sin(angle_rads), np.cos(angle_rads)],
        axis=-1)

    return tf.cast(pos_encoding, dtype=tf.float32)


class PositionalEmbedding(tf.keras.layers.Layer):
    def __init__(self, vocab_size, d_model):
        super().__init__()
        self.d_model = d_model
        self.embedding = tf.keras.layers.Embedding(vocab_size, d_model, mask_zero=True)
        self.pos_encoding = positional_encoding(length=2048, depth=d_model)

    def compute_mask(self, *args, **kwargs):
        return self.embedding.compute_mask(*args, **kwargs)

    def call(self, x):
        length = tf.shape(x)[1]
        x = self.embedding(x)
        # This factor sets the relative scale of the embedding and positonal_encoding.
        x *= tf.math.sqrt(tf.cast(self.d_model, tf.float32))
        x = x + self.pos_encoding[tf.newaxis, :length, :]
        return x


VOCAB_SIZE = 500
D_MODEL = 32

tokens = tf.keras.Input(shape=(None,), dtype="int64")
x = PositionalEmbedding(VOCAB_SIZE, D_MODEL)(tokens)
attn_output = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=D_MODEL)(x, x)
x = tf.keras.layers.Add()([x, attn_output])
x = tf.keras.layers.LayerNormalization()(x)
x = tf.keras.layers.GlobalAveragePooling1D()(x)
outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)

classifier = tf.keras.Model(tokens, outputs)
classifier.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

# <<< removed: the saved dataset and training
# >>>
# <<< added: golden data: post-padded review ids, a 0/1 label
import _synthetic as syn
MASKLENS_DATA = {"classifier": (syn.padded_ids(4, 10, VOCAB_SIZE, min_len=2, dtype="int64"), syn.binary(4))}
# >>>
