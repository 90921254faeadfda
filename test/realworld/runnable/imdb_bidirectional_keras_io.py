# <<< runnable copy of sources/imdb_bidirectional_keras_io.py for the goldens: the model code is the corpus file's;
# Replaced: the IMDB download -> synthetic reviews (lists of ids of varied length, padded by the
# file's own pad_sequences, pre-padding); removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/nlp/bidirectional_lstm_imdb.py
#   commit 0a4be8bbc3ae126f3ca49a0bf173902866ec06f0 (Apache-2.0)
#   https://github.com/keras-team/keras-io/blob/0a4be8bbc3ae126f3ca49a0bf173902866ec06f0/examples/nlp/bidirectional_lstm_imdb.py
# Kind: keras.io example, Keras 3 style `import keras`; functional model on a variable-length
#   int input, no mask (pre-padded reviews: padding runs through both LSTMs).
import numpy as np
import keras
from keras import layers

max_features = 5000  # Only consider the top 5k words
maxlen = 200  # Only consider the first 200 words of each movie review

# Input for variable-length sequences of integers
inputs = keras.Input(shape=(None,), dtype="int32")
# Embed each integer in a 32-dimensional vector
x = layers.Embedding(max_features, 32)(inputs)
# Add 2 bidirectional LSTMs
x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(32))(x)
# Add a classifier
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()

# <<< replaced: IMDB download -> synthetic reviews
_rng = np.random.default_rng(0)
x_train = [list(_rng.integers(1, max_features, size=n)) for n in (250, 12, 90, 40)]
y_train = _rng.integers(0, 2, size=4).astype("float32")
x_val, y_val = x_train, y_train
# >>>
print(len(x_train), "Training sequences")
print(len(x_val), "Validation sequences")
# Use pad_sequence to standardize sequence length:
# this will truncate sequences longer than 200 words and zero-pad sequences shorter than 200 words.
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
# <<< removed: training
# >>>
# <<< added: golden data: the padded validation arrays
MASKLENS_DATA = {"model": (x_val, y_val)}
# >>>
