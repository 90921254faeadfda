# corpus: constant folding: N = 5, tuple unpacking, arithmetic and len() of a literal
import keras
from keras import layers

N = 5
timesteps, features = 362 // 10, 2 * 3
labels = ["neg", "neu", "pos"]
units = N * 4 - 4
model = keras.Sequential()
model.add(layers.Input(shape=(timesteps, features)))
model.add(layers.Masking(mask_value=0.0))
model.add(layers.LSTM(units, return_sequences=True))
model.add(layers.Lambda(lambda t: t[:, N:, :], mask=lambda inputs, previous_mask: previous_mask[:, N:]))
model.add(layers.Dense(len(labels), activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy")
