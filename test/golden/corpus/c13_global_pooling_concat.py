# corpus: GlobalAveragePooling1D and GlobalMaxPooling1D on a masked sequence, joined with Concatenate
import keras
from keras import layers

inp = keras.Input(shape=(10, 4))
h = layers.Masking(mask_value=0.0)(inp)
h = layers.LSTM(6, return_sequences=True)(h)
avg = layers.GlobalAveragePooling1D()(h)
mx = layers.GlobalMaxPooling1D()(h)
both = layers.Concatenate()([avg, mx])
model = keras.Model(inp, layers.Dense(1)(both))
model.compile(optimizer="adam", loss="mse")
