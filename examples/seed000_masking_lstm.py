# MaskLens example -- seeds 000 and 003 ("Does Keras ignore labels of masked values?").
# The model is the seed's code verbatim (seed 003 is the English copy of the same
# question and model, so it has no separate file).  Question reproduced: with
# Masking -> LSTM(return_sequences=True) -> Dense, are padded timesteps' labels
# left out of the loss?  The seed shows no data: small post-padded synthetic data below.
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Masking, LSTM, Dropout, Dense

timesteps, features = 20, 3
rng = np.random.default_rng(0)
lengths = rng.integers(5, timesteps + 1, size=32)
x = rng.normal(size=(32, timesteps, features)).astype("float32")
y = rng.integers(0, 2, size=(32, timesteps, 1)).astype("float32")
for i, n in enumerate(lengths):
    x[i, n:] = 0.0          # post-padding with the mask value
    y[i, n:] = 0.0          # labels of padded steps: should be ignored by the loss

model = tf.keras.Sequential()
model.add(Masking(mask_value=0., input_shape=(timesteps, features)))
model.add(LSTM(units=100, return_sequences=True, input_shape=(timesteps, features)))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy', optimizer='adam')
model.fit(x, y, epochs=1, batch_size=16, verbose=0)
loss = model.evaluate(x, y, verbose=0)
