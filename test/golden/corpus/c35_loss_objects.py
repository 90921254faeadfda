# corpus: loss given as an object (SparseCategoricalCrossentropy(from_logits=True)), Embedding -> GRU tagger
import keras
from keras import layers, losses

num_tags = 5
model = keras.Sequential([
    keras.Input(shape=(None,), dtype="int32"),
    layers.Embedding(50, 8, mask_zero=True),
    layers.GRU(8, return_sequences=True),
    layers.Dense(num_tags),
])
model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
