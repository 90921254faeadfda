# <<< runnable copy of sources/masking_value_mismatch_padding.py for the goldens: the model code is the corpus file's;
# Replaced: 200 sequences -> 5; removed: training and evaluate (the goldens evaluate).
# >>>
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


# <<< replaced: 200 sequences -> 5
raw_x = make_sequences(5)
# >>>
raw_y = [[[sum(step)] for step in seq] for seq in raw_x]
x = pad_sequences(raw_x, maxlen=MAX_STEPS, dtype='float32', padding='post')
y = pad_sequences(raw_y, maxlen=MAX_STEPS, dtype='float32', padding='post')

model = tf.keras.Sequential([
    tf.keras.layers.Masking(mask_value=PAD, input_shape=(MAX_STEPS, 2)),
    tf.keras.layers.LSTM(16, return_sequences=True),
    tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(1)),
])
model.compile(optimizer='adam', loss='mse')
# <<< removed: training and evaluation
# >>>
# <<< added: golden data: the file's own padded arrays
MASKLENS_DATA = {"model": (x, y)}
# >>>
