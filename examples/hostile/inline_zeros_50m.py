# MaskLens example -- data written in the source that would take 3 GiB to build.
# MaskLens evaluates the arrays a file writes (here 200,000,000 float64 zeros) without running
# the file; it sizes them from the expression first, so this evaluate is refused before a
# single value exists.
import numpy as np
from keras import Input, Model
from keras.layers import Dense

x = np.zeros((50000000, 4))
y = np.zeros((50000000, 1))
inp = Input(shape=(4,))
out = Dense(1)(inp)
model = Model(inp, out)
model.compile(optimizer='adam', loss='mse')
model.evaluate(x, y)
