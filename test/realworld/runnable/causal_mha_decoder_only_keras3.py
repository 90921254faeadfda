# <<< runnable copy of sources/causal_mha_decoder_only_keras3.py for the goldens: the model code is the corpus file's;
# Replaced: the tokenised review dataset -> synthetic post-padded ids shifted by one for the
# targets; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/generative/text_generation_with_miniature_gpt.py in
#   its Keras 3 form (MultiHeadAttention with use_causal_mask, token + position embedding)
#   commit b0dc0738b0e5ea0a3112267af0eb7583655661b8 (Apache-2.0)
#   https://github.com/keras-team/keras-io/blob/b0dc0738b0e5ea0a3112267af0eb7583655661b8/examples/nlp/text_generation_with_miniature_gpt.py
# Kind: a decoder-only language model: causal self-attention inside a custom block, an
#   embedding layer class with its own position table and mask_zero on the token embedding,
#   two outputs (logits and the block output) with the loss given for the first only (None for
#   the second); Keras 3 `keras.ops`.
import keras
from keras import layers
from keras import ops
import numpy as np


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads, embed_dim)
        self.ffn = keras.Sequential(
            [
                layers.Dense(ff_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attention_output = self.att(inputs, inputs, use_causal_mask=True)
        attention_output = self.dropout1(attention_output)
        out1 = self.layernorm1(inputs + attention_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim, mask_zero=True)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(0, maxlen, 1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


vocab_size = 1000  # Only consider the top 1k words
maxlen = 32  # Max sequence size
embed_dim = 32  # Embedding size for each token
num_heads = 2  # Number of attention heads
feed_forward_dim = 32  # Hidden layer size in feed forward network inside transformer


def create_model():
    inputs = layers.Input(shape=(maxlen,), dtype="int32")
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, feed_forward_dim)
    x = transformer_block(x)
    outputs = layers.Dense(vocab_size)(x)
    model = keras.Model(inputs=inputs, outputs=[outputs, x])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile("adam", loss=[loss_fn, None])  # no loss and optimization based on word embeddings from transformer block
    return model


model = create_model()
# <<< replaced: the tokenised dataset -> synthetic ids
import _synthetic as syn
_ids = syn.padded_ids(4, maxlen + 1, vocab_size, min_len=6)
text_ds = {"x": _ids[:, :-1], "y": _ids[:, 1:]}
# >>>
# <<< removed: training
# >>>
# <<< added: golden data: targets for the first output (the second has no loss)
MASKLENS_DATA = {"model": (text_ds["x"], text_ds["y"])}
# >>>
