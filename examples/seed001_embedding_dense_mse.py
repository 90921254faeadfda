# MaskLens example -- seed 001, the answer's loss check.
# Question reproduced: the evaluated mse equals the mean squared error over the
# first two (unmasked) timesteps only: the mask reaches the loss through Dense.
import numpy as np
from keras.layers import Input, Embedding, Dense
from keras.models import Model

data_in = np.array([[1, 2, 0, 0]])
data_out = np.arange(12).reshape(1,4,3)
x = Input(shape=(4,))
e = Embedding(5, 5, mask_zero=True)(x)
d = Dense(3)(e)
m = Model(inputs=x, outputs=d)
m.compile(loss='mse', optimizer='adam')
preds = m.predict(data_in, verbose=0)
loss = m.evaluate(data_in, data_out, verbose=0)
print(preds)
print('Computed Loss:', loss)

# verify that only the first two outputs
# have been considered in the computation of loss
print(np.square(preds[0,0:2] - data_out[0,0:2]).mean())
