# <<< runnable copy of sources/mha_padding_mask_functional.py for the goldens: the model code is the corpus file's;
# Nothing replaced (the file has no data). Added: post-padded ids and class labels.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: MoritzPlaten/my-models, NAR-transformer-tensorflow/Layers/BaseAttention.py and the
#   encoder layers built on it (the TensorFlow transformer tutorial's pattern)
#   commit d9db12e6e15c9c2abc37560ccf3033252acb0506
#   https://github.com/MoritzPlaten/my-models/blob/d9db12e6e15c9c2abc37560ccf3033252acb0506/NAR-transformer-tensorflow/Layers/BaseAttention.py
# Kind: a base attention layer that sets supports_masking in __init__ and holds
#   MultiHeadAttention, LayerNormalization and Add; a self-attention subclass; a feed-forward
#   layer; stacked in a functional classifier on Embedding(mask_zero=True), pooled with
#   GlobalAveragePooling1D; `import keras`.
import keras


class BaseAttention(keras.layers.Layer):
  def __init__(self, **kwargs):
    super().__init__()

    self.supports_masking = True

    self.mha = keras.layers.MultiHeadAttention(**kwargs)
    self.layernorm = keras.layers.LayerNormalization()
    self.add = keras.layers.Add()


class GlobalSelfAttention(BaseAttention):
  def call(self, x):
    attn_output = self.mha(
        query=x,
        value=x,
        key=x)
    x = self.add([x, attn_output])
    x = self.layernorm(x)
    return x


class FeedForward(keras.layers.Layer):
  def __init__(self, d_model, dff, dropout_rate=0.1):
    super().__init__()
    self.seq = keras.Sequential([
      keras.layers.Dense(dff, activation='relu'),
      keras.layers.Dense(d_model),
      keras.layers.Dropout(dropout_rate)
    ])
    self.add = keras.layers.Add()
    self.layer_norm = keras.layers.LayerNormalization()

  def call(self, x):
    x = self.add([x, self.seq(x)])
    x = self.layer_norm(x)
    return x


def build_classifier(vocab_size, d_model=32, num_heads=2, dff=64, num_layers=2, num_classes=3):
    tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size, d_model, mask_zero=True)(tokens)
    for _ in range(num_layers):
        x = GlobalSelfAttention(num_heads=num_heads, key_dim=d_model)(x)
        x = FeedForward(d_model, dff)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(tokens, outputs)


classifier = build_classifier(vocab_size=1000)
classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
# <<< added: golden data
import _synthetic as syn
MASKLENS_DATA = {"classifier": (syn.padded_ids(4, 10, 1000, min_len=2), syn.classes(4, 3))}
# >>>
