# <<< runnable copy of sources/temporal_sample_weight_mode_regression.py for the goldens: the model code is the corpus file's;
# Replaced: X.npy / Y.npy -> synthetic zero-padded (post) sequences and targets; removed:
# training (its per-step weights are left out of the goldens).
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: Keras 2 sequence regressors that compile with sample_weight_mode='temporal' and
#   pass per-step weights next to a Masking layer (the "how do I ignore padded steps in the
#   loss" answers of the Keras 2 era). No single source file; a public example of the Masking +
#   TimeDistributed regressor: SaminSarker05/NeuraCast, model.py
# Kind: compile(sample_weight_mode='temporal') (removed in Keras 3), Masking(mask_value=0.),
#   stacked LSTMs with return_sequences, TimeDistributed(Dense(1)); per-step sample weights
#   that are 0 on padding; `import keras` with keras.layers.* attribute access.
import numpy as np
import keras

n_steps, n_features = 16, 4

model = keras.models.Sequential()
model.add(keras.layers.Masking(mask_value=0., input_shape=(n_steps, n_features)))
model.add(keras.layers.LSTM(24, return_sequences=True))
model.add(keras.layers.LSTM(24, return_sequences=True))
model.add(keras.layers.TimeDistributed(keras.layers.Dense(1)))
model.compile(loss='mse', optimizer='adam', sample_weight_mode='temporal')

# <<< replaced: the saved arrays -> synthetic sequences
import _synthetic as syn
X = syn.padded_floats(4, n_steps, n_features, min_len=3)
Y = syn.normal((4, n_steps, 1))
# >>>
W = (X.sum(axis=-1) != 0).astype('float32')
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (X, Y)}
# >>>
