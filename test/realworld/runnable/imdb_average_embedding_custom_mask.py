# <<< runnable copy of sources/imdb_average_embedding_custom_mask.py for the goldens: the model code is the corpus file's;
# Replaced: the IMDB download -> synthetic reviews (pre-padded by the file's pad_sequences);
# removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/imdb_mask.py (a Keras 2 example)
#   commit 6923b037e741c72b524a8aeceb89adbab12b84dc (MIT)
#   https://github.com/keras-team/keras/blob/6923b037e741c72b524a8aeceb89adbab12b84dc/examples/imdb_mask.py
# Kind: a custom layer that averages over valid steps only: supports_masking in __init__,
#   call(x, mask=None), compute_mask returning None, compute_output_shape; Keras 2 imports
#   (`from keras import backend as K`, keras.preprocessing.sequence), Sequential with input_length.
from __future__ import print_function
import keras
from keras import backend as K
from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation
from keras.layers import Embedding
from keras.layers import Layer
from keras.datasets import imdb


class MeanOverValidSteps(Layer):
    '''Averages the word vectors of a sequence over time, leaving out padded (masked) steps.

    Input: (samples, time, features) with a (samples, time) mask.
    Output: (samples, features), no mask.
    '''
    def __init__(self, **kwargs):
        super(MeanOverValidSteps, self).__init__(**kwargs)
        self.supports_masking = True

    def call(self, x, mask=None):
        mask = K.cast(mask, K.dtype(x))
        count = K.expand_dims(K.sum(mask, axis=1), axis=-1)
        return K.sum(x * K.expand_dims(mask, axis=-1), axis=1) / count

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def compute_mask(self, inputs, mask=None):
        return None


max_features = 5000
maxlen = 400
batch_size = 32
embedding_dims = 50
hidden_dims = 64
epochs = 2

# <<< replaced: IMDB download -> synthetic reviews
import numpy as np
_rng = np.random.default_rng(0)
x_train = [list(_rng.integers(1, max_features, size=n)) for n in (420, 7, 120, 33)]
y_train = _rng.integers(0, 2, size=4).astype("float32")
x_test, y_test = x_train, y_train
# >>>
x_train = sequence.pad_sequences(x_train, maxlen=maxlen)
x_test = sequence.pad_sequences(x_test, maxlen=maxlen)

model = Sequential()
model.add(Embedding(max_features,
                    embedding_dims,
                    input_length=maxlen,
                    mask_zero=True))
model.add(MeanOverValidSteps())
model.add(Dropout(0.2))
model.add(Dense(hidden_dims))
model.add(Dropout(0.2))
model.add(Activation('relu'))
model.add(Dense(1))
model.add(Activation('sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='adam',
              metrics=['accuracy'])

# <<< removed: training
# >>>
# <<< added: golden data: the padded test arrays
MASKLENS_DATA = {"model": (x_test, y_test)}
# >>>
