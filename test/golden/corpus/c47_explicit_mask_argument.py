# corpus: a mask made by hand from the token ids (`ids != 0`) and passed with mask= to the
# recurrent layers over an Embedding that makes none (Keras 3: a NotEqual operation; tf.keras:
# a TFOpLambda layer)
import keras
from keras import layers

ids = keras.Input(shape=(7,), dtype="int32")
mask = ids != 0
x = layers.Embedding(20, 4)(ids)
x = layers.GRU(5, return_sequences=True)(x, mask=mask)
x = layers.LSTM(3, return_sequences=True)(x, mask=mask)
model = keras.Model(ids, layers.Dense(2, activation="softmax")(x))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
