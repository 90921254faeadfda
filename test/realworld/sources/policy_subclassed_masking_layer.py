# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the "Policy(tf.keras.Model)" of a game agent (public code returned by a code search that did not name its repository: Masking, LSTM and a
#   Dense head as attributes; call() takes a (history, mask) tuple and reshapes the output)
# Kind: subclassed model whose call() unpacks a tuple, converts to tensors, applies a Masking
#   layer attribute, an LSTM returning one vector, reshape to (batch, 5, 4) and an optional
#   sigmoid; name passed to super().__init__; sizes from a config module.
import tensorflow as tf
from tensorflow.keras.layers import Dense, LSTM, Masking


class config:
    lstm_hidden_size = 48


class Policy(tf.keras.Model):
    """
    Input: tuple (history, mask)
    Output: probs (batch, 5, 4) in [0,1]
    """

    def __init__(self, lstm_hidden_size=None, name='Policy'):
        super().__init__(name=name)
        hidden_size = lstm_hidden_size or config.lstm_hidden_size
        self.masking = Masking(mask_value=0.0)
        self.lstm = LSTM(hidden_size, return_state=False, return_sequences=False)
        self.out = Dense(5 * 4, name="output_dense")

    def call(self, inputs, with_sigmoid=True):
        history, mask = inputs
        h = tf.convert_to_tensor(history, dtype=tf.float32)
        h = self.masking(h)
        h = self.lstm(h)
        logits = tf.reshape(self.out(h), (-1, 5, 4))
        if with_sigmoid:
            return tf.sigmoid(logits) * tf.cast(mask, tf.float32)
        return logits


policy = Policy()
policy.compile(optimizer='adam', loss='binary_crossentropy')
