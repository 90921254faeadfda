# MaskLens example -- seed 001, the answer's minimal example.
# Question reproduced: at masked timesteps (input 0) the LSTM carries its state over and,
# with return_sequences=True, repeats the previous step's output.
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
m.predict(data_in, verbose=0)
