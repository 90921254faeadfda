# Seeds 000 and 003: "Does Keras ignore labels of masked values?"
# A Masking layer in front of an LSTM; padded timesteps should not count in the loss.
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Masking, LSTM, Dropout, Dense

timesteps, features = 20, 3

# Variable-length sequences, post-padded with 0 (the mask value), and per-step 0/1 labels.
rng = np.random.default_rng(0)
lengths = rng.integers(5, timesteps + 1, size=32)
x = np.zeros((32, timesteps, features), dtype="float32")
y = np.zeros((32, timesteps, 1), dtype="float32")
for i, n in enumerate(lengths):
    x[i, :n] = rng.normal(size=(n, features))
    y[i, :n, 0] = rng.integers(0, 2, size=n)

model = tf.keras.Sequential()
model.add(Masking(mask_value=0., input_shape=(timesteps, features)))
model.add(LSTM(units=100, return_sequences=True, input_shape=(timesteps, features)))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy', optimizer='adam')
model.fit(x, y, epochs=2, batch_size=8, verbose=0)
print('loss:', model.evaluate(x, y, verbose=0))
