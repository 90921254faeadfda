# <<< runnable copy of sources/lstm_autoencoder_masking_repeatvector.py for the goldens: the model code is the corpus file's;
# Replaced: trajectories.npy -> five synthetic trajectories of varied length (the file pads
# them itself); removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the variable-length LSTM autoencoder questions and gists ("LSTM autoencoder with
#   masking": Masking -> LSTM encoder -> RepeatVector -> LSTM decoder -> TimeDistributed(Dense)),
#   in the style of machinelearningmastery's LSTM autoencoder tutorial code
# Kind: an autoencoder whose RepeatVector drops the mask (the decoder and the loss see every
#   step), timesteps taken from the data's shape, functional API with an encoder sub-model.
import numpy as np
from tensorflow.keras.models import Model
from tensorflow.keras.layers import Input, LSTM, RepeatVector, TimeDistributed, Dense, Masking

# <<< replaced: trajectories.npy -> synthetic trajectories
_rng = np.random.default_rng(0)
sequences = [_rng.normal(size=(n, 3)).astype('float32') for n in (9, 2, 5, 7, 4)]
# >>>
timesteps = max(len(s) for s in sequences)
n_features = sequences[0].shape[1]
padded = np.zeros((len(sequences), timesteps, n_features), dtype='float32')
for i, s in enumerate(sequences):
    padded[i, :len(s)] = s

inputs = Input(shape=(timesteps, n_features))
masked = Masking(mask_value=0.0)(inputs)
encoded = LSTM(32)(masked)

decoded = RepeatVector(timesteps)(encoded)
decoded = LSTM(32, return_sequences=True)(decoded)
decoded = TimeDistributed(Dense(n_features))(decoded)

sequence_autoencoder = Model(inputs, decoded)
encoder = Model(inputs, encoded)

sequence_autoencoder.compile(optimizer='adam', loss='mse')
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"sequence_autoencoder": (padded, padded)}
# >>>
