# corpus: `from keras import layers`, Sequential([...]) list form, layers.Input, Masking -> GRU(return_sequences=False)
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(10, 4)),
    layers.Masking(mask_value=0.0),
    layers.GRU(5),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
