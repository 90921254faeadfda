# corpus: Conv1D and MaxPooling1D after Embedding(mask_zero=True), then GlobalMaxPooling1D
import keras
from keras import layers

inp = keras.Input(shape=(16,))
x = layers.Embedding(40, 8, mask_zero=True)(inp)
x = layers.Conv1D(6, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling1D(2)(x)
x = layers.GlobalMaxPooling1D()(x)
model = keras.Model(inp, layers.Dense(2, activation="softmax")(x))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
