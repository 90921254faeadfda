# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/conll2000_bi_lstm_crf.py (from a fork's PR), here in
#   Keras 2 spelling (concatenate instead of merge(mode='concat'), a softmax instead of ChainCRF)
#   commit cc7ba692fa1272400aa9338824acbcfca2afa4c6 (MIT)
#   https://github.com/keras-team/keras/blob/cc7ba692fa1272400aa9338824acbcfca2afa4c6/examples/conll2000_bi_lstm_crf.py
# Kind: two masked embeddings (words, POS tags) concatenated, BiLSTM, Dropout,
#   TimeDistributed(Dense) softmax; targets with a trailing axis (np.expand_dims); named Inputs;
#   `from keras.layers.wrappers import TimeDistributed` (a Keras 2.0-2.3 module path).
from __future__ import print_function, unicode_literals
import numpy as np
np.random.seed(1337)  # for reproducibility

from keras.preprocessing import sequence
from keras.models import Model
from keras.layers import Input, concatenate
from keras.layers import Dense, Embedding, LSTM, Bidirectional, Dropout
from keras.layers.wrappers import TimeDistributed
from keras.optimizers import RMSprop

maxlen = 40
word_embedding_dim = 32
pos_embedding_dim = 8
lstm_dim = 24
batch_size = 64

(X_words_train, X_pos_train, y_train), (index2word, index2pos, index2chunk) = np.load('conll2000.npy', allow_pickle=True)

max_features = len(index2word)
nb_pos_tags = len(index2pos)
nb_chunk_tags = len(index2chunk)

X_words_train = sequence.pad_sequences(X_words_train, maxlen=maxlen, padding='post')
X_pos_train = sequence.pad_sequences(X_pos_train, maxlen=maxlen, padding='post')
y_train = sequence.pad_sequences(y_train, maxlen=maxlen, padding='post')
y_train = np.expand_dims(y_train, -1)

word_input = Input(shape=(maxlen,), dtype='int32', name='word_input')
word_emb = Embedding(max_features, word_embedding_dim, input_length=maxlen, mask_zero=True, name='word_emb')(word_input)
pos_input = Input(shape=(maxlen,), dtype='int32', name='pos_input')
pos_emb = Embedding(nb_pos_tags, pos_embedding_dim, input_length=maxlen, mask_zero=True, name='pos_emb')(pos_input)
total_emb = concatenate([word_emb, pos_emb], axis=2)

bilstm = Bidirectional(LSTM(lstm_dim, dropout=0.2, recurrent_dropout=0.2, return_sequences=True))(total_emb)
bilstm_d = Dropout(0.2)(bilstm)
dense = TimeDistributed(Dense(nb_chunk_tags, activation='softmax'))(bilstm_d)

model = Model(inputs=[word_input, pos_input], outputs=[dense])

model.compile(loss='sparse_categorical_crossentropy',
              optimizer=RMSprop(0.01),
              metrics=['sparse_categorical_accuracy'])

model.summary()
model.fit([X_words_train, X_pos_train], y_train, batch_size=batch_size, epochs=3)
