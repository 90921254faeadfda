# <<< runnable copy of sources/har_pre_padded_feature_vectors_gru.py for the goldens: the model code is the corpus file's;
# Replaced: reading the recordings folder -> synthetic recordings (lists of per-step feature
# vectors of varied length; the file's own pad_sequences pre-pads them); removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: activity/sensor sequence classifiers that pad lists of per-step feature vectors
#   with pad_sequences(padding='pre', dtype='float32') and mask with Masking(0.) (search
#   results for "pad_sequences dtype='float32' Masking GRU"), e.g. datblue/text_classification
#   network.py's building_ner and its Masking line (commit fefc8092e5e7238a6c7e8f3c512d0eef1f89df09).
# Kind: pad_sequences over lists of feature vectors (3-D result), pre-padding, maxlen from the
#   data, Masking(mask_value=0.) + stacked GRUs built in a loop with xrange-style indices,
#   softmax classifier on one-hot labels; `from keras.layers import *`-like imports.
import glob
import numpy as np
from keras.models import Sequential
from keras.layers import GRU, Dense, Dropout, Masking
from keras.preprocessing.sequence import pad_sequences
from keras.utils import to_categorical

ACTIVITIES = ['walking', 'sitting', 'standing', 'running']


def load_recordings(folder):
    sequences, labels = [], []
    for path in sorted(glob.glob(folder + '/*.csv')):
        frames = np.loadtxt(path, delimiter=',')
        sequences.append([list(frame) for frame in frames])
        labels.append(ACTIVITIES.index(path.split('_')[-1][:-4]))
    return sequences, labels


# <<< replaced: the recordings folder -> synthetic lists of feature vectors
_rng = np.random.default_rng(0)
sequences = [[list(_rng.normal(size=6)) for _ in range(n)] for n in (14, 3, 9, 6, 11)]
labels = [0, 3, 1, 2, 1]
# >>>
max_len = max(len(s) for s in sequences)
n_features = len(sequences[0][0])

X = pad_sequences(sequences, maxlen=max_len, dtype='float32', padding='pre', value=0.0)
Y = to_categorical(labels, num_classes=len(ACTIVITIES))


def building_classifier(num_rnn_layer, num_hidden_node, dropout, time_step, vector_length, output_length):
    model = Sequential()
    model.add(Masking(mask_value=0., input_shape=(time_step, vector_length)))
    for i in range(num_rnn_layer - 1):
        model.add(GRU(num_hidden_node, return_sequences=True, dropout=dropout))
    model.add(GRU(num_hidden_node, return_sequences=False, dropout=dropout))
    model.add(Dropout(dropout))
    model.add(Dense(output_length, activation='softmax'))
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['categorical_accuracy'])
    return model


model = building_classifier(2, 32, 0.2, max_len, n_features, len(ACTIVITIES))
# <<< removed: training
# >>>
# <<< added: golden data: the file's own padded arrays
MASKLENS_DATA = {"model": (X, Y)}
# >>>
