# corpus: `import tensorflow as tf` + tf.keras.layers.X, tf.keras.Sequential, TimeDistributed + SimpleRNN
import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Masking(mask_value=0.0, input_shape=(5, 2)),
    tf.keras.layers.SimpleRNN(4, return_sequences=True),
    tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(1)),
])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01), loss="mae")
x = np.zeros((3, 5, 2), dtype="float32")
x[:, :3] = 1.0
model.fit(x, np.ones((3, 5, 1)), epochs=1, verbose=0)
