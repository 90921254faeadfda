# MaskLens example -- seed 002, last remark: padding the targets with NaN does not work,
# because masking multiplies the per-timestep loss by 0/1 and 0 * nan = nan
# (the loss is nan even with the answer's masked Lambda).
import numpy as np
from keras import Sequential
from keras.layers import Embedding, Masking, LSTM, Lambda
import keras.backend as K

# --- the seed loads x, y, timesteps, features from data it does not show; synthetic
# --- stand-in with the seed's shapes: 100 samples, 362 timesteps, 24 features,
# --- post-padded variable lengths (fixed seed, runs standalone).
rng = np.random.default_rng(2)
samples, timesteps, features = 100, 362, 24
lengths = rng.integers(20, timesteps + 1, size=samples)
x = rng.normal(size=(samples, timesteps, features)).astype('float32')
y = (1 / (1 + np.exp(-np.cumsum(x[..., :1], axis=1) / 10))).astype('float32')
for i, n in enumerate(lengths):
    x[i, n:] = 0.
    y[i, n:] = np.nan

#                          O O O
#   example for N:3        | | |
#                    O O O O O O
#                    | | | | | |
#                    O O O O O O

N = 5
y= y[:,N:,:]

x_train = x[:75]
x_test = x[75:]
y_train = y[:75]
y_test = y[75:]

masking_func = lambda inputs, previous_mask: previous_mask[:, N:]
model = Sequential()
model.add(Masking(mask_value=0., input_shape=(timesteps, features)))
model.add(LSTM(128, return_sequences=True))
model.add(LSTM(64, return_sequences=True))
model.add(LSTM(1, return_sequences=True))
model.add(Lambda(lambda x: x[:, N:, :], mask=masking_func))

model.compile('adam', 'mae')

print(model.summary())
history = model.fit(x_train, y_train,
                    epochs=1,
                    batch_size=15,
                    validation_data=[x_test, y_test],
                    verbose=0)

# the seed compares with sklearn's mean_absolute_error; the same in numpy:
out = model.predict(x_test, batch_size=25, verbose=0)
valid = ~(x_test[:, N:] == 0).all(axis=2)
print('evaluate', model.evaluate(x_test, y_test, verbose=0))
print('wo mask', np.abs(y_test.ravel() - out.ravel()).mean())
print('w mask', np.abs(y_test[valid].ravel() - out[valid].ravel()).mean())
