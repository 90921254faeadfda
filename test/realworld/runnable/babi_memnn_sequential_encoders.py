# <<< runnable copy of sources/babi_memnn_sequential_encoders.py for the goldens: the model code is the corpus file's;
# Replaced: the vectorised bAbI arrays -> synthetic pre-padded stories and questions;
# removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/babi_memnn.py (Keras 2 memory network)
#   commit aaf924ca86f819c1d2493b9e7b3dfd4d3d6c729d (MIT)
#   https://github.com/keras-team/keras/blob/aaf924ca86f819c1d2493b9e7b3dfd4d3d6c729d/examples/babi_memnn.py
# Kind: three Sequential encoders (Embedding + Dropout) applied to Input tensors, dot / add /
#   Permute / concatenate merges, an LSTM over the concatenation, Activation('softmax');
#   models used as layers; no mask.
import numpy as np
from keras.models import Sequential, Model
from keras.layers import Embedding
from keras.layers import Input, Activation, Dense, Permute, Dropout
from keras.layers import add, dot, concatenate
from keras.layers import LSTM

# <<< replaced: the saved arrays -> synthetic stories
import _synthetic as syn
stories = {'x': syn.padded_ids(4, 20, 22, padding='pre', min_len=4), 'xq': syn.padded_ids(4, 4, 22, padding='pre', seed=1, min_len=3), 'y': syn.classes(4, 22), 'vocab_size': 22}
# >>>
inputs_train, queries_train, answers_train = stories['x'], stories['xq'], stories['y']
vocab_size = int(stories['vocab_size'])
story_maxlen = inputs_train.shape[1]
query_maxlen = queries_train.shape[1]

# placeholders
input_sequence = Input((story_maxlen,))
question = Input((query_maxlen,))

# encoders
# embed the input sequence into a sequence of vectors
input_encoder_m = Sequential()
input_encoder_m.add(Embedding(input_dim=vocab_size,
                              output_dim=32))
input_encoder_m.add(Dropout(0.3))

# embed the input into a sequence of vectors of size query_maxlen
input_encoder_c = Sequential()
input_encoder_c.add(Embedding(input_dim=vocab_size,
                              output_dim=query_maxlen))
input_encoder_c.add(Dropout(0.3))

# embed the question into a sequence of vectors
question_encoder = Sequential()
question_encoder.add(Embedding(input_dim=vocab_size,
                               output_dim=32,
                               input_length=query_maxlen))
question_encoder.add(Dropout(0.3))

input_encoded_m = input_encoder_m(input_sequence)
input_encoded_c = input_encoder_c(input_sequence)
question_encoded = question_encoder(question)

# match between the story and the question
match = dot([input_encoded_m, question_encoded], axes=(2, 2))
match = Activation('softmax')(match)

# add the match matrix with the second input vector sequence
response = add([match, input_encoded_c])
response = Permute((2, 1))(response)

# concatenate the match matrix with the question vector sequence
answer = concatenate([response, question_encoded])

answer = LSTM(32)(answer)
answer = Dropout(0.3)(answer)
answer = Dense(vocab_size)(answer)
answer = Activation('softmax')(answer)

model = Model([input_sequence, question], answer)
model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": ([inputs_train, queries_train], answers_train)}
# >>>
