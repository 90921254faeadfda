# <<< runnable copy of sources/masking_positional_lstm_kwargs_dict.py for the goldens: the model code is the corpus file's;
# Replaced: the saved arrays -> synthetic ones; removed: training, prediction, plot.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: SaminSarker05/NeuraCast, model.py
#   commit 9036843357a4df13064d33a1eddce88b5a41dc80
#   https://github.com/SaminSarker05/NeuraCast/blob/9036843357a4df13064d33a1eddce88b5a41dc80/model.py
#   (the original never builds `model`; the Model(...) line is added here)
# Kind: per-step binary classification of padded feature sequences: Input((None,
#   x_train.shape[-1])) sized from the data, Masking(0, ...) with the mask value given
#   positionally, an LSTM whose options come from a dict splatted with **lstm_kwargs
#   (return_sequences among them), TimeDistributed(Dense) named on the wrapper;
#   RMSprop(lr=...) (the Keras 2 spelling); `import tensorflow.keras as keras`.
import os
import numpy as np
import pandas as pd
# <<< removed: matplotlib (plots only; not installed for the goldens)
# >>>
import random
import tensorflow.keras as keras

from tensorflow.keras import Input, Model
from tensorflow.keras.layers import LSTM, Dense, TimeDistributed, Masking
from tensorflow.keras.optimizers import RMSprop

# <<< replaced: the saved arrays -> synthetic post-padded features and per-step labels
import _synthetic as syn
x_train = syn.padded_floats(4, 9, 5, min_len=2)
y_train = (syn.uniform((4, 9, 1)) > 0.5).astype('float32') * (x_train[:, :, :1] != 0)
# >>>


# define input and mask out padded values

data = Input((None, x_train.shape[-1]), name='data')
mask = Masking(0, name='input_masked')(data)


# stack the LSTM layers each with 128 units

lstm_kwargs = {'dropout': 0.25, 'recurrent_dropout': 0.1, 'return_sequences': True, 'implementation': 2}
lstm = LSTM(128, name='lstm', **lstm_kwargs)(mask)


# define output layer with sigmoid activation function for classification

output = TimeDistributed(Dense(1, activation='sigmoid'), name='output')(lstm)
model = Model(inputs=data, outputs=output)


# use RMS optimizer and binary cross entropy as loss function

optimizer = RMSprop(lr=0.005)
model.compile(optimizer=optimizer, loss='binary_crossentropy')


# train and test model

# <<< removed: training, prediction and plot
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (x_train, y_train)}
# >>>
