# <<< runnable copy of sources/imdb_cnn_lstm_maxpool.py for the goldens: the model code is the corpus file's;
# Replaced: the IMDB download -> synthetic reviews (pre-padded by the file's pad_sequences);
# removed: training and evaluation.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/imdb_cnn_lstm.py (Keras 2)
#   commit 95d8e197f74432a18d4a793e5f8a770f59036a21 (MIT)
#   https://github.com/keras-team/keras/blob/95d8e197f74432a18d4a793e5f8a770f59036a21/examples/imdb_cnn_lstm.py
# Kind: Embedding -> Dropout -> Conv1D -> MaxPooling1D -> LSTM -> Dense -> Activation in a
#   Sequential with input_length; the time axis shrinks (pool_size); no mask; settings grouped
#   under comments as in the Keras 2 examples.
from __future__ import print_function

from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation
from keras.layers import Embedding
from keras.layers import LSTM
from keras.layers import Conv1D, MaxPooling1D
from keras.datasets import imdb

# Embedding
max_features = 3000
maxlen = 100
embedding_size = 32

# Convolution
kernel_size = 5
filters = 16
pool_size = 4

# LSTM
lstm_output_size = 24

# Training
batch_size = 30
epochs = 2

print('Loading data...')
# <<< replaced: IMDB download -> synthetic reviews
import numpy as np
_rng = np.random.default_rng(0)
x_train = [list(_rng.integers(1, max_features, size=n)) for n in (140, 12, 66, 30)]
y_train = _rng.integers(0, 2, size=4).astype("float32")
x_test, y_test = x_train, y_train
# >>>
x_train = sequence.pad_sequences(x_train, maxlen=maxlen)
x_test = sequence.pad_sequences(x_test, maxlen=maxlen)

print('Build model...')

model = Sequential()
model.add(Embedding(max_features, embedding_size, input_length=maxlen))
model.add(Dropout(0.25))
model.add(Conv1D(filters,
                 kernel_size,
                 padding='valid',
                 activation='relu',
                 strides=1))
model.add(MaxPooling1D(pool_size=pool_size))
model.add(LSTM(lstm_output_size))
model.add(Dense(1))
model.add(Activation('sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='adam',
              metrics=['accuracy'])

print('Train...')
# <<< removed: training and evaluation
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (x_test, y_test)}
# >>>
