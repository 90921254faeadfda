# Seed 001: at masked timesteps an LSTM carries its state over and, with
# return_sequences=True, repeats the previous step's output.
import numpy as np
from keras.layers import Input, Embedding, LSTM
from keras.models import Model

data_in = np.array([
    [1, 0, 2, 0]
])

x = Input(shape=(4,))
e = Embedding(5, 5, mask_zero=True)(x)
rnn = LSTM(3, return_sequences=True)(e)
m = Model(inputs=x, outputs=rnn)
print(m.predict(data_in, verbose=0))
