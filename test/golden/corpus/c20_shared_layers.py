# corpus: shared Embedding and shared LSTM used on two inputs (siamese), Subtract-free distance via Lambda
import keras
from keras import layers

left = keras.Input(shape=(6,))
right = keras.Input(shape=(6,))
embed = layers.Embedding(30, 5, mask_zero=True)
encode = layers.LSTM(4)
l_vec = encode(embed(left))
r_vec = encode(embed(right))
dist = layers.Lambda(lambda t: abs(t[0] - t[1]))([l_vec, r_vec])
model = keras.Model(inputs=[left, right], outputs=layers.Dense(1, activation="sigmoid")(dist))
model.compile(optimizer="adam", loss="binary_crossentropy")
