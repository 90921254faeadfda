# Seed 002, the answer: give Lambda a mask function that slices the previous mask the
# same way, so the mask reaches the loss and evaluate() equals the MAE over valid steps.
from keras import Sequential
from keras.layers import Masking, LSTM, Lambda

from _seed002_data import make_data

x, y, timesteps, features = make_data()

N = 5
y = y[:, N:, :]

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
history = model.fit(x_train, y_train,
                    epochs=3,
                    batch_size=15,
                    validation_data=(x_test, y_test))
print(model.evaluate(x_test, y_test, verbose=0))
