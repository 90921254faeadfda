# <<< runnable copy of sources/babi_rnn_story_question.py for the goldens: the model code is the corpus file's;
# Replaced: the bAbI download and parsing -> five synthetic (story, question, answer) triples;
# Keras 2.0-2.3 module paths (keras.utils.data_utils, keras.layers.embeddings, keras.layers.recurrent)
# -> their current homes; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/babi_rnn.py (its Keras 2 functional version: the
#   story and the question encoded separately, the question vector repeated and added)
#   https://github.com/keras-team/keras/blob/master/examples/babi_rnn.py (Keras 2.x, MIT)
# Kind: `from keras import layers` and `layers.add`, RepeatVector of the question encoding
#   added to the (unmasked) story embeddings, RNN = recurrent class chosen by a variable,
#   vectorised stories from parsing functions with reduce and lambda.
from functools import reduce
import re
import tarfile

import numpy as np

# <<< replaced: import moved: keras.utils.data_utils.get_file is keras.utils.get_file
from keras.utils import get_file
# >>>
# <<< replaced: import moved: keras.layers.embeddings is keras.layers
from keras.layers import Embedding
# >>>
from keras import layers
# <<< replaced: import moved: keras.layers.recurrent is keras.layers (the file uses recurrent.LSTM)
import keras.layers as recurrent
# >>>
from keras.models import Model
from keras.preprocessing.sequence import pad_sequences


def tokenize(sent):
    return [x.strip() for x in re.split(r'(\W+)?', sent) if x.strip()]


def parse_and_flatten(f):
    data, story = [], []
    for line in f.readlines():
        line = line.decode('utf-8').strip()
        nid, line = line.split(' ', 1)
        if int(nid) == 1:
            story = []
        if '\t' in line:
            q, a, _ = line.split('\t')
            data.append((reduce(lambda x, y: x + y, story), tokenize(q), a))
        else:
            story.append(tokenize(line))
    return data


def vectorize_stories(data, word_idx, story_maxlen, query_maxlen):
    xs = []
    xqs = []
    ys = []
    for story, query, answer in data:
        x = [word_idx[w] for w in story]
        xq = [word_idx[w] for w in query]
        y = np.zeros(len(word_idx) + 1)
        y[word_idx[answer]] = 1
        xs.append(x)
        xqs.append(xq)
        ys.append(y)
    return pad_sequences(xs, maxlen=story_maxlen), pad_sequences(xqs, maxlen=query_maxlen), np.array(ys)


RNN = recurrent.LSTM
EMBED_HIDDEN_SIZE = 24
SENT_HIDDEN_SIZE = 32
QUERY_HIDDEN_SIZE = 32
BATCH_SIZE = 32
EPOCHS = 20

# <<< replaced: the bAbI download -> synthetic triples
_rng = np.random.default_rng(0)
_words = ['mary', 'john', 'went', 'to', 'the', 'kitchen', 'garden', 'office', 'where', 'is', '.', '?']
train = [(list(_rng.choice(_words, size=n)), ['where', 'is', str(_rng.choice(_words[:2]))], str(_rng.choice(_words[5:8]))) for n in (14, 5, 9, 11, 7)]
# >>>

vocab = set()
for story, q, answer in train:
    vocab |= set(story + q + [answer])
vocab = sorted(vocab)

# Reserve 0 for masking via pad_sequences
vocab_size = len(vocab) + 1
word_idx = dict((c, i + 1) for i, c in enumerate(vocab))
story_maxlen = max(map(len, (x for x, _, _ in train)))
query_maxlen = max(map(len, (x for _, x, _ in train)))

x, xq, y = vectorize_stories(train, word_idx, story_maxlen, query_maxlen)

sentence = layers.Input(shape=(story_maxlen,), dtype='int32')
encoded_sentence = layers.Embedding(vocab_size, EMBED_HIDDEN_SIZE)(sentence)
encoded_sentence = layers.Dropout(0.3)(encoded_sentence)

question = layers.Input(shape=(query_maxlen,), dtype='int32')
encoded_question = layers.Embedding(vocab_size, EMBED_HIDDEN_SIZE)(question)
encoded_question = layers.Dropout(0.3)(encoded_question)
encoded_question = RNN(EMBED_HIDDEN_SIZE)(encoded_question)
encoded_question = layers.RepeatVector(story_maxlen)(encoded_question)

merged = layers.add([encoded_sentence, encoded_question])
merged = RNN(EMBED_HIDDEN_SIZE)(merged)
merged = layers.Dropout(0.3)(merged)
preds = layers.Dense(vocab_size, activation='softmax')(merged)

model = Model([sentence, question], preds)
model.compile(optimizer='adam',
              loss='categorical_crossentropy',
              metrics=['accuracy'])

# <<< removed: training
# >>>
# <<< added: golden data: the file's own pre-padded arrays
MASKLENS_DATA = {"model": ([x, xq], y)}
# >>>
