# MaskLens example -- seed 001 ("how does mask_zero work?"), first snippet.
# Question reproduced: Embedding(mask_zero=True) does NOT zero the output at index 0;
# it only attaches a mask (inputs != 0) for the following layers.
import numpy as np
from keras.layers import Input, Embedding
from keras.models import Model

data_in = np.array([
    [1, 2, 0, 0]
])
data_in.shape

# model
x = Input(shape=(4,))
e = Embedding(5, 5, mask_zero=True)(x)
m = Model(inputs=x, outputs=e)
p = m.predict(data_in, verbose=0)
print(p.shape)
print(p)
