"""Custom transformer layers that hand their MultiHeadAttention a tensor as attention_mask=,
as the keras.io translation example does: a padding mask made from the incoming mask
(mask[:, None, :], one row for every query), and one per query and key position
(mask[:, :, None] & mask[:, None, :]); and one that asks for the attention scores as well
(return_attention_scores=True), as TensorFlow's translation tutorial does. The second model's blocks sit in a model used as a
layer of another, so the nested model's one weight list holds two custom layers, each with
the layers it holds.
"""
from tensorflow import keras
from tensorflow.keras import layers

VOCAB = 6
STEPS = 6
DIM = 4


class PaddingAttention(layers.Layer):
    def __init__(self, dim, heads, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=dim)
        self.norm = layers.LayerNormalization()
        self.supports_masking = True

    def call(self, inputs, mask=None):
        padding_mask = mask[:, None, :] if mask is not None else None
        attended = self.attention(query=inputs, value=inputs, key=inputs, attention_mask=padding_mask)
        return self.norm(inputs + attended)


class PairAttention(layers.Layer):
    def __init__(self, dim, heads, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=dim)
        self.hidden = layers.Dense(8, activation="relu")
        self.project = layers.Dense(dim)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        pairs = mask[:, :, None] & mask[:, None, :]
        attended = self.attention(inputs, inputs, attention_mask=pairs)
        return self.project(self.hidden(inputs + attended))


class ScoredAttention(layers.Layer):
    # TensorFlow's translation tutorial keeps the scores for plotting: the call returns two tensors.
    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        # No biases: the key's bias has no effect on the scores, so its gradient is rounding noise
        # that Adam's first step would blow up to a full step.
        self.mha = layers.MultiHeadAttention(key_dim=dim, num_heads=1, use_bias=False)
        self.add = layers.Add()
        self.norm = layers.LayerNormalization()
        self.supports_masking = True

    def call(self, x, context):
        attended, scores = self.mha(query=x, value=context, return_attention_scores=True)
        self.last_attention_weights = scores
        return self.norm(self.add([x, attended]))


ids = keras.Input(shape=(STEPS,), dtype="int32")
x = layers.Embedding(VOCAB, DIM, mask_zero=True)(ids)
x = PaddingAttention(DIM, 2)(x)
encoder = keras.Model(ids, layers.Dense(1)(x))
encoder.compile(optimizer="adam", loss="mse")

inner_ids = keras.Input(shape=(STEPS,), dtype="int32")
y = layers.Embedding(VOCAB, DIM, mask_zero=True)(inner_ids)
y = PairAttention(DIM, 2)(y)
y = PaddingAttention(DIM, 2)(y)
decoder = keras.Model(inner_ids, y)

outer_ids = keras.Input(shape=(STEPS,), dtype="int32")
stacked = keras.Model(outer_ids, layers.Dense(1)(decoder(outer_ids)))
stacked.compile(optimizer="adam", loss="mse")

scored_ids = keras.Input(shape=(STEPS,), dtype="int32")
z = layers.Embedding(VOCAB, DIM, mask_zero=True)(scored_ids)
z = ScoredAttention(DIM)(z, z)
scored = keras.Model(scored_ids, layers.Dense(1)(z))
scored.compile(optimizer="adam", loss="mse")
