# corpus: mask-dropping layer after a mask: Embedding(mask_zero=True) -> Flatten -> Dense
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(6,)),
    layers.Embedding(12, 4, mask_zero=True),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
