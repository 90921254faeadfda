# <<< runnable copy of sources/text_numeric_branches_concatenate.py for the goldens: the model code is the corpus file's;
# Replaced: train_arrays.npz -> synthetic post-padded text ids with numeric features that are
# zero where the text is padded; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: product/review classifiers that join a text branch and a tabular branch (the
#   Keras functional API guide's multi-input example and its many copies on GitHub)
# Kind: two inputs: a masked text sequence summarised by an LSTM, per-step numeric features
#   without a mask, concatenated along the feature axis (a masked and an unmasked branch), a
#   second LSTM, then Dense; `from tensorflow.keras import layers, Model`; settings as globals.
import numpy as np
from tensorflow.keras import layers, Model

VOCAB = 3000
MAXLEN = 25
N_NUMERIC = 4

text_in = layers.Input(shape=(MAXLEN,), name='text')
numeric_in = layers.Input(shape=(MAXLEN, N_NUMERIC), name='numeric')

words = layers.Embedding(VOCAB, 32, mask_zero=True, name='word_embedding')(text_in)
numbers = layers.Dense(8, activation='relu', name='numeric_projection')(numeric_in)

merged = layers.Concatenate(axis=-1, name='join')([words, numbers])
x = layers.LSTM(32, name='sequence_encoder')(merged)
x = layers.Dense(16, activation='relu')(x)
out = layers.Dense(1, activation='sigmoid', name='label')(x)

model = Model(inputs=[text_in, numeric_in], outputs=out)
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# <<< replaced: the saved arrays -> synthetic ones; training removed
import _synthetic as syn
_text = syn.padded_ids(4, MAXLEN, VOCAB, min_len=3)
train = {'text': _text, 'numeric': syn.same_padding(_text, syn.normal((4, MAXLEN, N_NUMERIC))), 'label': syn.binary(4)}
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": ([train["text"], train["numeric"]], train["label"])}
# >>>
