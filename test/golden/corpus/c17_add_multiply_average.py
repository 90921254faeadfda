# corpus: Add/add, Multiply and Average merge layers on masked sequences
import keras
from keras import layers

a = keras.Input(shape=(6,))
b = keras.Input(shape=(6, 4))
ea = layers.Embedding(9, 4, mask_zero=True)(a)
mb = layers.Masking()(b)
s = layers.Add()([ea, mb])
s2 = layers.add([s, ea])
p = layers.Multiply()([s2, mb])
avg = layers.Average()([p, s])
h = layers.GRU(3, return_sequences=True)(avg)
model = keras.Model(inputs=[a, b], outputs=layers.Dense(1)(h))
model.compile(optimizer="adam", loss="mae")
