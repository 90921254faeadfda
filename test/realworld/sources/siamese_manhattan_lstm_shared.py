# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: likejazz/Siamese-LSTM, main.py / util.py (Manhattan LSTM for question pairs)
#   train.py commit 89f9eef88724a591a0c146cb08c1f1a538a34460, util.py commit ab4181a0faa2e83f2e93a94f7b64e15d1d145fab
#   https://github.com/likejazz/Siamese-LSTM
# Kind: a shared masked Embedding and a shared LSTM applied to two inputs (the same layer
#   objects called twice), a Lambda computing exp(-L1 distance) with a def function and
#   output_shape, Keras 2 backend ops; the shared encoder is itself a Sequential model.
import numpy as np
import keras.backend as K
from keras.models import Model, Sequential
from keras.layers import Input, Embedding, LSTM, Lambda
from keras.optimizers import Adadelta


def exponent_neg_manhattan_distance(left, right):
    ''' similarity between the two LSTM outputs '''
    return K.exp(-K.sum(K.abs(left - right), axis=1, keepdims=True))


def manhattan_distance(vectors):
    left, right = vectors
    return exponent_neg_manhattan_distance(left, right)


embeddings = np.load('embedding_matrix.npy')
embedding_dim = embeddings.shape[1]
max_seq_length = 30
n_hidden = 24

left_input = Input(shape=(max_seq_length,), dtype='int32')
right_input = Input(shape=(max_seq_length,), dtype='int32')

shared_encoder = Sequential()
shared_encoder.add(Embedding(len(embeddings), embedding_dim, weights=[embeddings], input_length=max_seq_length, trainable=False, mask_zero=True))
shared_encoder.add(LSTM(n_hidden))

left_output = shared_encoder(left_input)
right_output = shared_encoder(right_input)

malstm_distance = Lambda(function=manhattan_distance, output_shape=lambda x: (x[0][0], 1))([left_output, right_output])

malstm = Model([left_input, right_input], [malstm_distance])

optimizer = Adadelta(clipnorm=1.25)
malstm.compile(loss='mean_squared_error', optimizer=optimizer, metrics=['accuracy'])

X_train = np.load('pairs_train.npz')
malstm.fit([X_train['left'], X_train['right']], X_train['is_duplicate'], batch_size=64, epochs=25)
