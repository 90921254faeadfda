# <<< runnable copy of sources/conll_word_pos_embeddings_concat.py for the goldens: the model code is the corpus file's;
# Replaced: the CoNLL-2000 arrays -> synthetic sentences (word, POS and chunk ids of varied
# length, padded by the file's own pad_sequences); `keras.layers.wrappers` (a module Keras 2.4+
# no longer has) -> keras.layers; removed: training.
# >>>
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
# <<< replaced: import moved: keras.layers.wrappers is keras.layers since Keras 2.4
from keras.layers import TimeDistributed
# >>>
from keras.optimizers import RMSprop

maxlen = 40
word_embedding_dim = 32
pos_embedding_dim = 8
lstm_dim = 24
batch_size = 64

# <<< replaced: the CoNLL-2000 arrays -> synthetic sentences
_rng = np.random.default_rng(0)
_lengths = (40, 3, 17, 26)
X_words_train = [list(_rng.integers(1, 300, size=n)) for n in _lengths]
X_pos_train = [list(_rng.integers(1, 20, size=n)) for n in _lengths]
y_train = [list(_rng.integers(1, 12, size=n)) for n in _lengths]
index2word, index2pos, index2chunk = ['pad'] + ['w%d' % i for i in range(299)], ['pad'] + ['p%d' % i for i in range(19)], ['pad'] + ['c%d' % i for i in range(11)]
# >>>

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
# <<< removed: training
# >>>
# <<< added: golden data: the file's own padded arrays
MASKLENS_DATA = {"model": ([X_words_train, X_pos_train], y_train)}
# >>>
