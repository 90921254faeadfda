# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: a weather time-series class whose method does
#   `model = Sequential(LSTM(250, input_shape=(...)))` and then model.add(...) (find_string hit
#   "model = Sequential(LSTM(" in a climate-forecasting project), plus the common Masking line.
# Kind: Sequential given ONE layer instead of a list (tf-keras 2 wraps it; Keras 3 raises), a
#   model built in a method of a plain class called from __init__, pandas-style data handling,
#   Masking for gaps in the series.
import numpy as np
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import LSTM, Dense, Dropout, Masking


class Forecast:
    def __init__(self, train, test, cols, target):
        np.random.seed(42)
        self.train = train
        self.test = test
        self.pred_cols = cols
        self.target_cols = target
        self.time_series()

    def time_series(self):
        steps, features = self.train.shape[1], self.train.shape[2]
        self.model = Sequential(Masking(mask_value=0.0, input_shape=(steps, features)))
        self.model.add(LSTM(40))
        self.model.add(Dropout(0.2))
        self.model.add(Dense(1))
        self.model.compile(loss='mae', optimizer='adam')


train = np.load('era5_train.npy')
test = np.load('era5_test.npy')
forecast = Forecast(train, test, cols=['t2m', 'tcc'], target=['tp'])
forecast.model.fit(train, test[:, 0, :1], epochs=250, batch_size=72)
