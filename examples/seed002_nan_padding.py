# Seed 002: padding with NaN and masking NaN does not work — masking multiplies the loss
# by the mask, and 0 * nan is still nan, so the loss is nan.
import numpy as np
from keras import Sequential
from keras.layers import Masking, LSTM

from _seed002_data import make_data

x, y, timesteps, features = make_data(pad_value=np.nan)
y = np.nan_to_num(y)

model = Sequential()
model.add(Masking(mask_value=np.nan, input_shape=(timesteps, features)))
model.add(LSTM(16, return_sequences=True))
model.add(LSTM(1, return_sequences=True))

model.compile('adam', 'mae')
print('loss:', model.evaluate(x[:10], y[:10], verbose=0))
