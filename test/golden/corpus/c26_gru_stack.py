# corpus: GRU return_sequences=True feeding GRU return_sequences=False (mask consumed)
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(12, 2)),
    layers.Masking(mask_value=0.0),
    layers.GRU(6, return_sequences=True),
    layers.GRU(3, return_sequences=False),
    layers.Dropout(0.1),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="huber")
