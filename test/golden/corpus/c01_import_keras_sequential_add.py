# corpus: `import keras`, keras.Input, Sequential with .add, Embedding(mask_zero) -> LSTM -> Dense
import numpy as np
import keras

vocab, timesteps = 20, 7
model = keras.Sequential()
model.add(keras.Input(shape=(timesteps,)))
model.add(keras.layers.Embedding(vocab, 8, mask_zero=True))
model.add(keras.layers.LSTM(6, return_sequences=True))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy")

x = np.array([[3, 4, 5, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7]])
y = np.ones((2, timesteps, 1))
model.fit(x, y, epochs=1, verbose=0)
