# corpus: LSTM autoencoder: LSTM(return_sequences=False) -> RepeatVector -> LSTM -> TimeDistributed(Dense)
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Masking, LSTM, RepeatVector, TimeDistributed, Dense

timesteps, features = 8, 2
model = Sequential()
model.add(Masking(mask_value=0., input_shape=(timesteps, features)))
model.add(LSTM(6))
model.add(RepeatVector(timesteps))
model.add(LSTM(6, return_sequences=True))
model.add(TimeDistributed(Dense(features)))
model.compile(optimizer="adam", loss="mse")
