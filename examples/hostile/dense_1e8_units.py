# MaskLens example -- a model TensorFlow cannot build: Dense(10**8) on 3 inputs.
# Building it makes oneDNN throw (dnnl::error: could not create a primitive), and the C++
# runtime then aborts the whole process TensorFlow runs in (SIGABRT), after allocating about
# 3 GB. MaskLens runs TensorFlow in a process of its own: evaluating this model fails with
# that message, and the editor and the next evaluation carry on.
from keras import Input, Model
from keras.layers import Dense

inp = Input(shape=(3,))
out = Dense(10**8)(inp)
model = Model(inp, out)
model.compile(optimizer='adam', loss='mse')
