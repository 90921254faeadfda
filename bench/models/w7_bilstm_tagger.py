# Benchmark W7: a BiLSTM tagger evaluated on post-padded token ids (0 = padding) of realistic
# lengths (bench/keras/w7_evaluate.py makes them: mean about 230 steps, at most 500).
# MaskLens analyses this file statically; the Keras side of the benchmark executes it.
from keras import Sequential
from keras.layers import Input, Embedding, Bidirectional, LSTM, TimeDistributed, Dense

timesteps = 500

model = Sequential()
model.add(Input(shape=(timesteps,), dtype="int32"))
model.add(Embedding(10000, 128, mask_zero=True))
model.add(Bidirectional(LSTM(64, return_sequences=True)))
model.add(TimeDistributed(Dense(17, activation="softmax")))

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
