# corpus: `from tensorflow.keras import layers`, SpatialDropout1D and Activation after a mask
import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential([
    layers.Input(shape=(8,)),
    layers.Embedding(100, 16, mask_zero=True),
    layers.SpatialDropout1D(0.2),
    layers.LSTM(8, return_sequences=True),
    layers.Dense(4),
    layers.Activation("softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
