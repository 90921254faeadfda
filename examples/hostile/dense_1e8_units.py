# MaskLens example -- a model TensorFlow cannot build: Dense(10**8) on 3 inputs.
# Building it would allocate about 3 GB and then make oneDNN throw (dnnl::error: could not
# create a primitive), and the C++ runtime abort the whole process TensorFlow runs in
# (SIGABRT). MaskLens counts the weights from the layers first: evaluating this model is
# refused at once, naming the layer and its line, before anything is allocated.
from keras import Input, Model
from keras.layers import Dense

inp = Input(shape=(3,))
out = Dense(10**8)(inp)
model = Model(inp, out)
model.compile(optimizer='adam', loss='mse')
