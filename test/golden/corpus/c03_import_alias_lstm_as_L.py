# corpus: `from keras.layers import LSTM as L` (aliased imports), stacked LSTMs
from keras.models import Sequential
from keras.layers import LSTM as L, Dense as D, Masking as M, Input as I

model = Sequential()
model.add(I(shape=(12, 3)))
model.add(M(0.0))
model.add(L(8, return_sequences=True))
model.add(L(4, return_sequences=True))
model.add(D(1))
model.compile("adam", "mse")
