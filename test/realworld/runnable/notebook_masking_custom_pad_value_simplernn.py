# <<< runnable copy of sources/notebook_masking_custom_pad_value_simplernn.py for the goldens: the model code is the corpus file's;
# Replaced: nothing; removed: fit and predict.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: todokku/AI-PAAS, example.py
#   commit 112abf08eec8cdd4fc73b8d38da954d283aba5c6
#   https://github.com/todokku/AI-PAAS/blob/112abf08eec8cdd4fc73b8d38da954d283aba5c6/example.py
#   (itself a walk through TensorFlow's masking and padding guide)
# Kind: an editor notebook (`# %%` cells, bare list expressions as cell outputs); integer
#   sequences padded with pad_sequences(value=1000.0), reshaped to (-1, 6, 1) and cast with
#   .astype(float); Masking(input_shape=..., mask_value=1000.0) with the keyword order
#   swapped; SimpleRNN(return_sequences=True) regressing its own (padded) input; a compile()
#   with the misspelt keyword `metric=`; fit and predict on the padded arrays.
import numpy as np

import tensorflow as tf

from tensorflow.keras import layers

# %%

[
    ["The", "weather", "will", "be", "nice", "tomorrow"],
    ["How", "are", "you", "doing", "today"],
    ["Hello", "world", "!"]
]

# %%

raw_inputs = [
    [83, 91, 1, 645, 1253, 927],
    [73, 8, 3215, 55, 927],
    [711, 632, 71]
]

# %%

padded_inputs = tf.keras.preprocessing.sequence.pad_sequences(raw_inputs,
                                                              padding='post',
                                                              value=1000.0)

padded_inputs = padded_inputs.reshape(-1, 6, 1).astype(float)

# %%

model = tf.keras.Sequential()
model.add(tf.keras.layers.Masking(input_shape=(None, 1), mask_value=1000.0))
model.add(tf.keras.layers.SimpleRNN(1, return_sequences=True))

model.compile(optimizer='Adam', loss='mse', metric='mse')

# <<< removed: fit and predict
# >>>
# <<< added: golden data: the file's own padded arrays (input and target)
MASKLENS_DATA = {"model": (padded_inputs, padded_inputs)}
# >>>
