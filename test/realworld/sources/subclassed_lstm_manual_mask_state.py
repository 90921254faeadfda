# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the "class LSTM(tf.keras.Model)" vanilla LSTM that computes its own mask with
#   tf.math.reduce_any(x != self.MASK_VALUE, axis=2) and passes mask= to the LSTM (public code returned by a code search that did not name its repository)
# Kind: a subclassed model named like a Keras layer (LSTM shadows keras' LSTM), its own mask
#   passed explicitly, return_state=True unpacked in call(), Dropout with training flag, two
#   Dense heads; input_shape passed to a layer inside a subclass.
import numpy as np
import tensorflow as tf


class LSTM(tf.keras.Model):
  """Vanilla LSTM"""

  def __init__(self, n_features, n_timesteps, n_hidden, n_output, MASK_VALUE):
    super(LSTM, self).__init__()

    self.MASK_VALUE = MASK_VALUE
    self.lstm = tf.keras.layers.LSTM(n_hidden, input_shape=(n_timesteps, n_features), dropout=0.2,
                                     recurrent_dropout=0.2, return_state=True)
    self.dense1 = tf.keras.layers.Dense(n_hidden, activation='leaky_relu')
    self.dense2 = tf.keras.layers.Dense(n_output)
    self.dropout = tf.keras.layers.Dropout(0.2)

  def call(self, x, training=False):

    # the padding mask
    mask = tf.math.reduce_any(x != self.MASK_VALUE, axis=2)

    # run the LSTM on the valid steps only
    whole_seq_output, final_memory_state, final_carry_state = self.lstm(x, mask=mask, training=training)
    h = self.dense1(final_memory_state)
    h = self.dropout(h, training=training)
    return self.dense2(h)


MASK_VALUE = -10.0
data = np.load('patients.npz')
model = LSTM(n_features=5, n_timesteps=24, n_hidden=32, n_output=1, MASK_VALUE=MASK_VALUE)
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss='mae')
model.fit(data['x'], data['y'], epochs=40, batch_size=16)
