# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the nlpforhackers.io "POS tagging with Keras" tutorial code and its GitHub copies
#   (treebank sentences, '-PAD-' = 0 and '-OOV-' = 1, InputLayer(input_shape=(MAX_LENGTH,)),
#   TimeDistributed(Dense) + Activation('softmax'), a custom accuracy that ignores class 0);
#   the Packt "Deep Learning with TensorFlow and Keras" ch.5 read_treebank uses the same data
# Kind: InputLayer(input_shape=...) first in a Sequential, Embedding with mask_zero, one-hot
#   targets made by a helper, a metric factory closing over a class id, sklearn's split.
import numpy as np
import nltk
from sklearn.model_selection import train_test_split
from keras.models import Sequential
from keras.layers import Dense, LSTM, InputLayer, Bidirectional, TimeDistributed, Embedding, Activation
from keras.optimizers import Adam
from keras import backend as K

tagged_sentences = nltk.corpus.treebank.tagged_sents()

sentences, sentence_tags = [], []
for tagged_sentence in tagged_sentences:
    sentence, tags = zip(*tagged_sentence)
    sentences.append(np.array(sentence))
    sentence_tags.append(np.array(tags))

(train_sentences, test_sentences, train_tags, test_tags) = train_test_split(sentences, sentence_tags, test_size=0.2)

words, tags = set([]), set([])
for s in train_sentences:
    for w in s:
        words.add(w.lower())
for ts in train_tags:
    for t in ts:
        tags.add(t)

word2index = {w: i + 2 for i, w in enumerate(list(words))}
word2index['-PAD-'] = 0  # The special value used for padding
word2index['-OOV-'] = 1  # The special value used for OOVs

tag2index = {t: i + 1 for i, t in enumerate(list(tags))}
tag2index['-PAD-'] = 0  # The special value used to padding

test_sentences_X, test_tags_y = [], []
for s in test_sentences:
    s_int = []
    for w in s:
        try:
            s_int.append(word2index[w.lower()])
        except KeyError:
            s_int.append(word2index['-OOV-'])
    test_sentences_X.append(s_int)
for s in test_tags:
    test_tags_y.append([tag2index[t] for t in s])

MAX_LENGTH = len(max(test_sentences_X, key=len))

from keras.preprocessing.sequence import pad_sequences
test_sentences_X = pad_sequences(test_sentences_X, maxlen=MAX_LENGTH, padding='post')
test_tags_y = pad_sequences(test_tags_y, maxlen=MAX_LENGTH, padding='post')


def to_categorical(sequences, categories):
    cat_sequences = []
    for s in sequences:
        cats = []
        for item in s:
            cats.append(np.zeros(categories))
            cats[-1][item] = 1.0
        cat_sequences.append(cats)
    return np.array(cat_sequences)


def ignore_class_accuracy(to_ignore=0):
    def ignore_accuracy(y_true, y_pred):
        y_true_class = K.argmax(y_true, axis=-1)
        y_pred_class = K.argmax(y_pred, axis=-1)
        ignore_mask = K.cast(K.not_equal(y_pred_class, to_ignore), 'int32')
        matches = K.cast(K.equal(y_true_class, y_pred_class), 'int32') * ignore_mask
        accuracy = K.sum(matches) / K.maximum(K.sum(ignore_mask), 1)
        return accuracy
    return ignore_accuracy


model = Sequential()
model.add(InputLayer(input_shape=(MAX_LENGTH, )))
model.add(Embedding(len(word2index), 32, mask_zero=True))
model.add(Bidirectional(LSTM(32, return_sequences=True)))
model.add(TimeDistributed(Dense(len(tag2index))))
model.add(Activation('softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer=Adam(0.001),
              metrics=['accuracy'])

model.summary()
cat_test_tags_y = to_categorical(test_tags_y, len(tag2index))
