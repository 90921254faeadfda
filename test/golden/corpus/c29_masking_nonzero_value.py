# corpus: Masking(mask_value=-1.0) and pre-padded data, fit + evaluate
import numpy as np
import keras
from keras import layers

x = np.full((4, 6, 2), -1.0, dtype="float32")
for i, n in enumerate([6, 4, 3, 1]):
    x[i, 6 - n:] = np.arange(n * 2).reshape(n, 2) / 10.0
y = np.ones((4, 6, 1), dtype="float32")
model = keras.Sequential([layers.Input(shape=(6, 2)), layers.Masking(mask_value=-1.0),
                          layers.SimpleRNN(3, return_sequences=True), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, epochs=1, verbose=0)
score = model.evaluate(x, y, verbose=0)
