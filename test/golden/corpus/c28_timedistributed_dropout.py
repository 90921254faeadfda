# corpus: TimeDistributed(Dense) and Dropout after a mask, loss kl_divergence
import keras
from keras.layers import Input, Masking, LSTM, Dropout, TimeDistributed, Dense

inp = Input(shape=(6, 3))
h = Masking()(inp)
h = LSTM(5, return_sequences=True)(h)
h = Dropout(0.3)(h)
h = TimeDistributed(Dense(4, activation="softmax"))(h)
model = keras.Model(inputs=inp, outputs=h)
model.compile(optimizer="adam", loss="kl_divergence")
