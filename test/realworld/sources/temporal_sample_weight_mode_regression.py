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

X = np.load('X.npy')
Y = np.load('Y.npy')
W = (X.sum(axis=-1) != 0).astype('float32')
model.fit(X, Y, sample_weight=W, epochs=10, batch_size=32)
