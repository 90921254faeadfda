# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the lstm_generator(...) -> Model of an ICU mortality project ("adapted from an
#   original work by Thorsen-Meyer et al.", public code returned by a code search that did not name its repository, tensorflow.keras functional API)
# Kind: a typed model factory with a masking flag, a layer-count loop that keeps
#   return_sequences on every layer but the last, shapes passed in as arguments, binary output
#   per sequence; `-> Model` annotation; keyword arguments from a settings dict.
from tensorflow.keras.models import Model
from tensorflow.keras.layers import Dense, LSTM, Input, Masking
import numpy as np


def lstm_generator(x_time_shape, x_channels_shape, masking, n_units, activation, dropout, n_layers) -> Model:
    """
    Generates a LSTM model

    Arguments:
        x_time_shape: number of timesteps (None for variable length)
        x_channels_shape: number of features per timestep
        masking: whether padded timesteps (all zero) are masked
        n_units, activation, dropout: LSTM settings
        n_layers: number of stacked LSTM layers
    """
    inputs = Input(shape=(x_time_shape, x_channels_shape), name='x')
    x = inputs
    if masking:
        x = Masking(mask_value=0.0)(x)
    for i in range(n_layers):
        last = i == n_layers - 1
        x = LSTM(n_units, activation=activation, dropout=dropout, return_sequences=not last, name=f'lstm_{i}')(x)
    outputs = Dense(1, activation='sigmoid', name='mortality')(x)
    return Model(inputs=inputs, outputs=outputs)


settings = {
    'x_time_shape': None,
    'x_channels_shape': 7,
    'masking': True,
    'n_units': 32,
    'activation': 'tanh',
    'dropout': 0.1,
    'n_layers': 3,
}

x_train = np.load('x_train.npy')
y_train = np.load('y_train.npy')

model = lstm_generator(**settings)
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['AUC'])
model.fit(x_train, y_train, epochs=30, batch_size=64, validation_split=0.2)
