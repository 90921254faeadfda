# MaskLens example -- an embedding table of 10**15 weights (3.55 PiB of float32).
# MaskLens counts a model's weights from its layers before it builds any of them: evaluating
# this model is refused at once, naming the layer and its line, and nothing is allocated.
from keras import Input, Model
from keras.layers import Dense, Embedding

inp = Input(shape=(4,))
x = Embedding(10**9, 10**6)(inp)
out = Dense(1)(x)
model = Model(inp, out)
model.compile(optimizer='adam', loss='mse')
