# <<< runnable copy of sources/shifted_targets_lambda_mask.py for the goldens: the model code is the corpus file's;
# Replaced: series.npz -> synthetic zero-padded (post) series; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: sequence models that drop the first steps of an output with a Lambda and shift the
#   mask with it (Stack Overflow "Lambda layer mask" answers: mask=lambda inputs, mask:
#   mask[:, N:]) -- the situation of MaskLens' own seed 002, written as users write it
# Kind: Masking -> stacked LSTMs -> Lambda slicing time with a mask= callable; a second
#   model whose Lambda has no mask=; `from keras.layers import *`; a warm-up constant.
import numpy as np
from keras.models import Sequential
from keras.layers import *

WARMUP = 3
STEPS, FEATURES = 12, 2

model = Sequential()
model.add(Masking(mask_value=0., input_shape=(STEPS, FEATURES)))
model.add(LSTM(16, return_sequences=True))
model.add(LSTM(1, return_sequences=True))
model.add(Lambda(lambda x: x[:, WARMUP:, :], mask=lambda inputs, mask: mask[:, WARMUP:]))
model.compile(loss='mae', optimizer='adam')

no_mask_model = Sequential()
no_mask_model.add(Masking(mask_value=0., input_shape=(STEPS, FEATURES)))
no_mask_model.add(LSTM(16, return_sequences=True))
no_mask_model.add(LSTM(1, return_sequences=True))
no_mask_model.add(Lambda(lambda x: x[:, WARMUP:, :]))
no_mask_model.compile(loss='mae', optimizer='adam')

# <<< replaced: series.npz -> synthetic series
import _synthetic as syn
series = {'x': syn.padded_floats(4, STEPS, FEATURES, min_len=5), 'y': syn.normal((4, STEPS, 1))}
# >>>
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (series['x'], series['y'][:, WARMUP:]), "no_mask_model": (series['x'], series['y'][:, WARMUP:])}
# >>>
