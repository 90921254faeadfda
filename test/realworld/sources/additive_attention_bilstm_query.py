# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: text classifiers using the built-in tf.keras.layers.AdditiveAttention (Bahdanau)
#   with the last BiLSTM state as the query (the "attention mechanism for text classification
#   in TensorFlow 2" tutorials). No single source file; a related public example (attention over a
#   BiLSTM in a builder class): gezimonkey/Keras_Multi_Label_TextClassfication,
#   models/text_att_bi_lstm.py, commit eaa557abebfa2fd1483b3425259a43a3806c834c
# Kind: Bidirectional(LSTM(return_sequences=True, return_state=True)), the concatenated final
#   states reshaped into a one-step query, AdditiveAttention([query, sequence]) with the
#   sequence masked, Flatten of the one-step context, Dense head.
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

MAX_LEN = 30
VOCAB = 2000

tokens = layers.Input(shape=(MAX_LEN,), dtype='int32')
emb = layers.Embedding(VOCAB, 24, mask_zero=True)(tokens)
seq, fh, fc, bh, bc = layers.Bidirectional(layers.LSTM(16, return_sequences=True, return_state=True))(emb)
state = layers.Concatenate()([fh, bh])
query = layers.Reshape((1, 32))(state)
context = layers.AdditiveAttention()([query, seq])
context = layers.Flatten()(context)
x = layers.Dense(16, activation='relu')(context)
out = layers.Dense(1, activation='sigmoid')(x)

model = tf.keras.Model(tokens, out)
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['AUC'])

x_train = np.load('x_train.npy')
y_train = np.load('y_train.npy')
model.fit(x_train, y_train, validation_split=0.2, epochs=5, batch_size=128)
