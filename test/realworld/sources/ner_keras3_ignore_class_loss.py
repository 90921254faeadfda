# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/nlp/ner_transformers.py's data handling (CoNLL-2003
#   tags, id 0 for padding) with the BiLSTM tagger most readers build from it, in Keras 3:
#   SparseCategoricalCrossentropy(ignore_class=0) instead of a hand-written masked loss
#   commit a72c25d44070de47f97dda830d0fc7668489be92 (Apache-2.0)
# Kind: Keras 3 functional tagger: keras.Input(shape=(None,)), masked Embedding, Bidirectional
#   LSTM, a Dense per step; the loss ignores class 0 AND the output carries the mask.
import numpy as np
import keras
from keras import layers

NUM_TAGS = 10
VOCAB_SIZE = 2000


def make_tagger(vocab_size, num_tags, embed_dim=32, units=32):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(units, return_sequences=True))(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(num_tags, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="bilstm_tagger")


tagger = make_tagger(VOCAB_SIZE, NUM_TAGS)
tagger.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=0))

conll = np.load("conll_train.npz")
tagger.fit(conll["tokens"], conll["tags"], epochs=10, batch_size=32)
