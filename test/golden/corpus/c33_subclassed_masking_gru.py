# corpus: second subclassed model: Masking -> GRU -> Dropout -> Dense in __init__, linear call with training
import numpy as np
import keras


class Regressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.mask = keras.layers.Masking(mask_value=0.0)
        self.gru = keras.layers.GRU(4, return_sequences=True)
        self.drop = keras.layers.Dropout(0.2)
        self.out = keras.layers.Dense(1)

    def call(self, x, training=False):
        h = self.mask(x)
        h = self.gru(h)
        h = self.drop(h, training=training)
        return self.out(h)


model = Regressor()
x = np.zeros((2, 5, 3), dtype="float32")
x[0, :3] = 1.0
x[1] = 0.5
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.ones((2, 5, 1)), epochs=1, verbose=0)
