# corpus: Lambda with a mask callable that slices the previous mask (seed 002 fix, functional form)
import keras
from keras.layers import Input, Masking, LSTM, Lambda, Dense

N = 2
timesteps, features = 9, 4
inp = Input(shape=(timesteps, features))
h = LSTM(5, return_sequences=True)(Masking(0.0)(inp))
h = Lambda(lambda t: t[:, N:, :], mask=lambda inputs, previous_mask: previous_mask[:, N:])(h)
out = Dense(1)(h)
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss="mae")
