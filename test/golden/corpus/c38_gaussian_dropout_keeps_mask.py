# corpus: GaussianDropout after a mask (supports_masking = True: the mask reaches the loss)
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(7, 3)),
    layers.Masking(mask_value=0.0),
    layers.GaussianDropout(0.2),
    layers.LSTM(4, return_sequences=True),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
