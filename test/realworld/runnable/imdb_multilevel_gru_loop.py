# <<< runnable copy of sources/imdb_multilevel_gru_loop.py for the goldens: the model code is the corpus file's;
# Replaced: the IMDB download -> synthetic reviews (pre-padded by the file's pad_sequences);
# removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/imdb_multilevel_gru.py (a Keras 1 example, here in
#   Keras 2 spelling: add() instead of merge(mode='sum'))
#   commit 077308c00c2819c6282c504ae42ad7048e513638 (MIT)
#   https://github.com/keras-team/keras/blob/077308c00c2819c6282c504ae42ad7048e513638/examples/imdb_multilevel_gru.py
# Kind: a functional graph built in a for loop that rebinds tensors, go_backwards GRUs flipped
#   back with Lambda(def ...), skip connections with add(), Lambda time slicing with
#   output_shape functions; no mask.
from __future__ import print_function
import numpy as np
np.random.seed(1337)  # for reproducibility

from keras.preprocessing import sequence
from keras.models import Model
from keras.layers import Dense, Dropout, Embedding, GRU, Input, Lambda, add
from keras.datasets import imdb


max_features = 5000
maxlen = 100  # cut texts after this number of words
batch_size = 32
N = 32  # base dimensionality of layers
rnn_levels = 2
skiplayer_connections = True


def reverse_time(x):
    import keras.backend as K
    return K.reverse(x, axes=1)


def time_first(x):
    return x[:, 0, :]


def time_last(x):
    return x[:, -1, :]


def time_one_shape(inp_shape):
    return (inp_shape[0], inp_shape[2])


# <<< replaced: IMDB download -> synthetic reviews
_rng = np.random.default_rng(0)
X_train = [list(_rng.integers(1, max_features, size=n)) for n in (130, 5, 60, 21)]
y_train = _rng.integers(0, 2, size=4).astype("float32")
X_test, y_test = X_train, y_train
# >>>
X_train = sequence.pad_sequences(X_train, maxlen=maxlen)
X_test = sequence.pad_sequences(X_test, maxlen=maxlen)
y_train = np.array(y_train)
y_test = np.array(y_test)

sequence = Input(shape=(maxlen,), dtype='int32')
embedded_seq = Embedding(max_features, N, input_length=maxlen)(sequence)

# several GRU levels, each reading the previous one's outputs
for i in range(rnn_levels):
    if i == 0:
        rnn_input = embedded_seq
    else:
        processed_seq = add([forwards, backwards])
        if skiplayer_connections:
            rnn_input = add([processed_seq, embedded_seq])
        else:
            rnn_input = processed_seq

    forwards = GRU(N, return_sequences=True)(rnn_input)
    backwards = GRU(N, return_sequences=True, go_backwards=True)(rnn_input)
    # the backwards outputs come in reverse order: flip them back
    backwards = Lambda(reverse_time)(backwards)

forwards1 = Lambda(time_last, output_shape=time_one_shape)(forwards)
backwards1 = Lambda(time_first, output_shape=time_one_shape)(backwards)
aggregate = add([forwards1, backwards1])

after_dp = Dropout(0.5)(aggregate)
output = Dense(1, activation='sigmoid')(after_dp)

model = Model(inputs=sequence, outputs=output)
model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])

# <<< removed: training
# >>>
# <<< added: golden data: the padded test arrays
MASKLENS_DATA = {"model": (X_test, y_test)}
# >>>
