# corpus: `import keras.layers as KL`, functional model, Bidirectional(LSTM) with a mask
import keras
import keras.layers as KL

inp = KL.Input(shape=(9,))
emb = KL.Embedding(input_dim=30, output_dim=6, mask_zero=True)(inp)
bi = KL.Bidirectional(KL.LSTM(4, return_sequences=True))(emb)
out = KL.TimeDistributed(KL.Dense(2, activation="softmax"))(bi)
model = keras.Model(inputs=inp, outputs=out)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
