# <<< runnable copy of sources/stateful_masking_make_model.py for the goldens: the model code is the corpus file's;
# Replaced: sequences.npz -> synthetic sequences padded with the file's mask value (100.);
# removed: the training loop.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the "make_model(input_shape, dim_hidden, num_classes, masking_value=100.)" pattern
#   of stateful sequence labellers (public code returned by a code search that did not name its repository: def make_model(...): Masking(...,
#   batch_input_shape=input_shape) + LSTM(stateful=True) + TimeDistributed(Dense)).
# Kind: models from functions with defaults and branches (return_sequences decides the head),
#   Masking with a non-zero mask value and batch_input_shape, stateful LSTMs, a deeper variant
#   built in a loop; `from tensorflow import keras` imported inside the function.
import numpy as np


def make_model(input_shape, dim_hidden, num_classes, masking_value=100., return_sequences=True):
    from tensorflow import keras

    model = keras.models.Sequential()
    model.add(keras.layers.Masking(mask_value=masking_value,
                                   batch_input_shape=input_shape))
    model.add(keras.layers.LSTM(dim_hidden, return_sequences=return_sequences, stateful=True))

    if return_sequences:
        model.add(keras.layers.TimeDistributed(keras.layers.Dense(num_classes)))
    else:
        model.add(keras.layers.Dense(num_classes))

    return model


def make_model_deeper(input_shape, num_classes, masking_value=100., layer_sizes=(32, 16)):
    from tensorflow import keras

    model = keras.models.Sequential()
    model.add(keras.layers.Masking(mask_value=masking_value, batch_input_shape=input_shape))
    for size in layer_sizes:
        model.add(keras.layers.LSTM(size, return_sequences=True, stateful=True))
    model.add(keras.layers.TimeDistributed(keras.layers.Dense(num_classes, activation='softmax')))
    return model


BATCH, STEPS, FEATURES = 4, 15, 3
# <<< replaced: sequences.npz -> synthetic sequences padded with 100.
import _synthetic as syn
x = syn.padded_floats(BATCH, STEPS, FEATURES, pad_value=100., min_len=3)
y = syn.normal((BATCH, STEPS, 2))
# >>>

model = make_model((BATCH, STEPS, FEATURES), 16, 2)
model.compile(optimizer='adam', loss='mse')

deep = make_model_deeper((BATCH, STEPS, FEATURES), 5)
deep.compile(optimizer='adam', loss='sparse_categorical_crossentropy')

# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (x, y), "deep": (x, syn.classes(BATCH * STEPS, 5).reshape(BATCH, STEPS, 1))}
# >>>
