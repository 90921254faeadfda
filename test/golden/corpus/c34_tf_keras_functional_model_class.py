# corpus: tf.keras.Input + tf.keras.Model (functional via tf namespace), Conv1D on Masking output
import tensorflow as tf

inputs = tf.keras.Input(shape=(10, 3))
x = tf.keras.layers.Masking(mask_value=0.0)(inputs)
x = tf.keras.layers.Conv1D(4, kernel_size=3, padding="causal")(x)
x = tf.keras.layers.LSTM(4, return_sequences=True)(x)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="adam", loss="msle")
