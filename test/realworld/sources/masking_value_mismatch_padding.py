# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: Stack Overflow-style regression scripts where the Masking value differs from the
#   padding value (the data is zero-padded by pad_sequences, the model masks -1), e.g. the
#   "Masking(mask_value=-1.)" question family; tf.keras spelling.
# Kind: Masking(mask_value=-1.) on data padded with 0 (nothing is masked), a named constant
#   for the pad value, per-step regression with TimeDistributed(Dense) and mse.
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.sequence import pad_sequences

PAD = -1.
MAX_STEPS = 10


def make_sequences(n):
    rng = np.random.default_rng(1)
    return [rng.normal(size=(rng.integers(2, MAX_STEPS + 1), 2)).tolist() for _ in range(n)]


raw_x = make_sequences(200)
raw_y = [[[sum(step)] for step in seq] for seq in raw_x]
x = pad_sequences(raw_x, maxlen=MAX_STEPS, dtype='float32', padding='post')
y = pad_sequences(raw_y, maxlen=MAX_STEPS, dtype='float32', padding='post')

model = tf.keras.Sequential([
    tf.keras.layers.Masking(mask_value=PAD, input_shape=(MAX_STEPS, 2)),
    tf.keras.layers.LSTM(16, return_sequences=True),
    tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(1)),
])
model.compile(optimizer='adam', loss='mse')
model.fit(x, y, epochs=50, batch_size=32, verbose=0)
print(model.evaluate(x, y))
