# Benchmark W8: a GRU sequence tagger (Keras' default GRU: reset_after=True) on post-padded token
# ids with sentence-like lengths (0 = padding). MaskLens analyses this file statically; the Keras
# side of the benchmark executes it.
from keras import Sequential
from keras.layers import Input, Embedding, GRU, TimeDistributed, Dense

timesteps = 200

model = Sequential()
model.add(Input(shape=(timesteps,), dtype="int32"))
model.add(Embedding(10000, 64, mask_zero=True))
model.add(GRU(128, return_sequences=True))
model.add(TimeDistributed(Dense(10, activation="softmax")))

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
