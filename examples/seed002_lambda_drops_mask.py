# Seed 002: "Keras LSTM with masking layer for variable-length inputs" — the Masking layer
# seems to have no effect, because Lambda does not propagate the mask unless given mask=.
from keras import Sequential
from keras.layers import Embedding, Masking, LSTM, Lambda
import keras.backend as K

from _seed002_data import make_data

x, y, timesteps, features = make_data()

#                          O O O
#   example for N:3        | | |
#                    O O O O O O
#                    | | | | | |
#                    O O O O O O

N = 5
y = y[:, N:, :]

x_train = x[:75]
x_test = x[75:]
y_train = y[:75]
y_test = y[75:]

model = Sequential()
model.add(Masking(mask_value=0., input_shape=(timesteps, features)))
model.add(LSTM(128, return_sequences=True))
model.add(LSTM(64, return_sequences=True))
model.add(LSTM(1, return_sequences=True))
model.add(Lambda(lambda x: x[:, N:, :]))

model.compile('adam', 'mae')

print(model.summary())
history = model.fit(x_train, y_train,
                    epochs=3,
                    batch_size=15,
                    validation_data=(x_test, y_test))
