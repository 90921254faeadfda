# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: csprock/keras-NER, models/blstm_model.py (and its training script)
#   commit ab7f66e95c42943d92c28dbbfc8d6377133596e5
#   https://github.com/csprock/keras-NER/blob/ab7f66e95c42943d92c28dbbfc8d6377133596e5/models/blstm_model.py
# Kind: a model built and returned by a function with keyword arguments, sizes passed as a
#   tuple, mask_zero=False (no mask: padded steps count in the loss), one-hot tag targets.
import pickle
import numpy as np
from keras.models import Model, Input
from keras.layers import LSTM, Embedding, Dense, TimeDistributed, Dropout, Bidirectional
from keras.utils import to_categorical
from keras.preprocessing.sequence import pad_sequences


def blstm_ner(max_len_sent, embedding_dims, num_tags):

    X_in = Input(shape = (max_len_sent,))
    X = Embedding(input_dim = embedding_dims[0],
                  output_dim = embedding_dims[1],
                  input_length = max_len_sent,
                  mask_zero = False,
                  name = 'embedding_layer')(X_in)

    X = Bidirectional(LSTM(max_len_sent, dropout = 0.3, return_sequences = True))(X)
    X = TimeDistributed(Dense(num_tags, activation = 'softmax'))(X)

    model = Model(inputs = X_in, outputs = X)
    return model


with open('data/processed/sentences.pkl', 'rb') as f:
    sentences, tags, word2idx, tag2idx = pickle.load(f)

MAX_LEN = 40
X = pad_sequences([[word2idx[w] for w in s] for s in sentences], maxlen = MAX_LEN, padding = 'post')
Y = pad_sequences([[tag2idx[t] for t in s] for s in tags], maxlen = MAX_LEN, padding = 'post')
Y = np.array([to_categorical(y, num_classes = len(tag2idx)) for y in Y])

model = blstm_ner(MAX_LEN, (len(word2idx) + 1, 64), len(tag2idx))
model.compile(optimizer = 'adam', loss = 'categorical_crossentropy', metrics = ['accuracy'])
model.fit(X, Y, batch_size = 32, epochs = 5, validation_split = 0.1)
model.save('models/blstm.h5')
