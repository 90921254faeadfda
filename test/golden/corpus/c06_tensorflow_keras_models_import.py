# corpus: `from tensorflow.keras.models import Sequential, Model`, functional multi-input, concatenate()
from tensorflow.keras.models import Sequential, Model
from tensorflow.keras.layers import Input, Embedding, LSTM, Dense, concatenate

words = Input(shape=(6,), name="words")
feats = Input(shape=(6, 3), name="feats")
e = Embedding(50, 5, mask_zero=True)(words)
merged = concatenate([e, feats])
h = LSTM(4, return_sequences=True)(merged)
y = Dense(1)(h)
model = Model(inputs=[words, feats], outputs=y)
model.compile(optimizer="adam", loss="mse")
