# <<< runnable copy of sources/ner_blstm_function_unmasked.py for the goldens: the model code is the corpus file's;
# Replaced: the pickled corpus -> synthetic sentences of varied length; removed: training and saving.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: csprock/keras-NER, models/blstm_model.py (and its training script)
#   commit ab7f66e95c42943d92c28dbbfc8d6377133596e5
#   https://github.com/csprock/keras-NER/blob/ab7f66e95c42943d92c28dbbfc8d6377133596e5/models/blstm_model.py
# Kind: a model built and returned by a function with keyword arguments, sizes passed as a
#   tuple, mask_zero=False (no mask: padded steps count in the loss), one-hot tag targets.
import pickle
import numpy as np
# <<< replaced: import moved: keras.models.Input (Keras 2.0-2.3) is keras.layers.Input
from keras.models import Model
from keras.layers import Input
# >>>
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


# <<< replaced: the pickled corpus -> synthetic sentences
_rng = np.random.default_rng(0)
word2idx = {'w%d' % i: i + 1 for i in range(30)}
tag2idx = {'O': 0, 'B-PER': 1, 'I-PER': 2, 'B-LOC': 3, 'I-LOC': 4}
sentences = [['w%d' % i for i in _rng.integers(0, 30, size=n)] for n in (40, 3, 17, 25)]
tags = [[list(tag2idx)[i] for i in _rng.integers(0, 5, size=len(s))] for s in sentences]
# >>>

MAX_LEN = 40
X = pad_sequences([[word2idx[w] for w in s] for s in sentences], maxlen = MAX_LEN, padding = 'post')
Y = pad_sequences([[tag2idx[t] for t in s] for s in tags], maxlen = MAX_LEN, padding = 'post')
Y = np.array([to_categorical(y, num_classes = len(tag2idx)) for y in Y])

model = blstm_ner(MAX_LEN, (len(word2idx) + 1, 64), len(tag2idx))
model.compile(optimizer = 'adam', loss = 'categorical_crossentropy', metrics = ['accuracy'])
# <<< removed: training
# >>>
# <<< removed: saving
# >>>
# <<< added: golden data: the file's own padded arrays
MASKLENS_DATA = {"model": (X, Y)}
# >>>
