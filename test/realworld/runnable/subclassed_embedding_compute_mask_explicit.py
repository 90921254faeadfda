# <<< runnable copy of sources/subclassed_embedding_compute_mask_explicit.py for the goldens: the model code is the corpus file's;
# Replaced: the padded reviews and star ratings -> synthetic post-padded ids and labels;
# removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, guides/understanding_masking_and_padding.py ("Passing mask
#   tensors directly to layers": MyLayer calls self.embedding.compute_mask(inputs) and passes
#   mask= to the LSTM), grown into the subclassed sentiment models that copy the pattern
#   commit 0845fa96b2b9c5fca8fab94b7278d0adc4d9a1a2 (Apache-2.0)
# Kind: a subclassed model: Embedding(mask_zero=True).compute_mask called by hand, mask=
#   passed to two LSTMs, a Dense head; compiled with a Loss object; `from tensorflow import keras`.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


class SentimentModel(keras.Model):
    def __init__(self, vocab_size, embed_dim=32, units=32, **kwargs):
        super(SentimentModel, self).__init__(**kwargs)
        self.embedding = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim, mask_zero=True)
        self.lstm_seq = layers.LSTM(units, return_sequences=True)
        self.lstm = layers.LSTM(units)
        self.head = layers.Dense(1, activation="sigmoid")

    def call(self, inputs):
        x = self.embedding(inputs)
        # a boolean (batch, timesteps) tensor: False on padding
        mask = self.embedding.compute_mask(inputs)
        x = self.lstm_seq(x, mask=mask)
        x = self.lstm(x, mask=mask)
        return self.head(x)


model = SentimentModel(vocab_size=2500)
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
# <<< replaced: the saved arrays -> synthetic ones
import _synthetic as syn
reviews = syn.padded_ids(4, 20, 2500, min_len=3)
stars = syn.classes(4, 6)
# >>>
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (reviews, (stars > 3).astype("float32")[:, None])}
# >>>
