# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: AlxndrMlk/ML_misc, [IMPL]_Keras_POS_tagging_RNN.py (a course notebook exported to a script)
#   commit 2d510104045d6a7d54bf96ecd4bdbe0dbbc76815
#   https://github.com/AlxndrMlk/ML_misc
# Kind: notebook-style POS tagger, `import keras.layers as L`, vocabulary sizes from len(...) of
#   lists built at run time, InputLayer([None]), no mask at all (pad id 0 is a real token).
import nltk
import numpy as np
import keras
import keras.layers as L
from collections import Counter

# In[1]:
nltk.download('brown')
nltk.download('universal_tagset')
data = nltk.corpus.brown.tagged_sents(tagset='universal')
all_tags = ['#EOS#', '#UNK#', 'ADV', 'NOUN', 'ADP', 'PRON', 'DET', '.', 'PRT', 'VERB', 'X', 'NUM', 'CONJ', 'ADJ']

data = np.array([[(word.lower(), tag) for word, tag in sentence] for sentence in data], dtype=object)

# In[2]:
from sklearn.model_selection import train_test_split
train_data, test_data = train_test_split(data, test_size=0.25, random_state=42)

word_counts = Counter()
for sentence in data:
    words, tags = zip(*sentence)
    word_counts.update(words)

all_words = ['#EOS#', '#UNK#'] + list(list(zip(*word_counts.most_common(10000)))[0])
word_to_id = {word: i for i, word in enumerate(all_words)}
tag_to_id = {tag: i for i, tag in enumerate(all_tags)}


def to_matrix(lines, token_to_id, max_len=None, pad=0, dtype='int32', time_major=False):
    max_len = max_len or max(map(len, lines))
    matrix = np.empty([len(lines), max_len], dtype)
    matrix.fill(pad)
    for i in range(len(lines)):
        line_ix = list(map(token_to_id.get, lines[i]))[:max_len]
        matrix[i, :len(line_ix)] = line_ix
    return matrix.T if time_major else matrix


# In[3]:
model = keras.models.Sequential()
model.add(L.InputLayer([None], dtype='int32'))
model.add(L.Embedding(len(all_words), 50))
model.add(L.SimpleRNN(64, return_sequences=True))

# per-timestep softmax over the tags
stepwise_dense = L.Dense(len(all_tags), activation='softmax')
stepwise_dense = L.TimeDistributed(stepwise_dense)
model.add(stepwise_dense)

model.compile('adam', 'categorical_crossentropy')

# In[4]:
BATCH_SIZE = 32


def generate_batches(sentences, batch_size=BATCH_SIZE, max_len=None, pad=0):
    assert isinstance(sentences, np.ndarray), "Make sure sentences is a numpy array"
    while True:
        indices = np.random.permutation(np.arange(len(sentences)))
        for start in range(0, len(indices) - 1, batch_size):
            batch_indices = indices[start:start + batch_size]
            batch_words, batch_tags = [], []
            for sent in sentences[batch_indices]:
                words, tags = zip(*sent)
                batch_words.append(words)
                batch_tags.append(tags)
            batch_words = to_matrix(batch_words, word_to_id, max_len, pad)
            batch_tags = to_matrix(batch_tags, tag_to_id, max_len, pad)
            batch_tags_1hot = keras.utils.to_categorical(batch_tags, len(all_tags)).reshape(batch_tags.shape + (-1,))
            yield batch_words, batch_tags_1hot


model.fit(generate_batches(train_data), steps_per_epoch=len(train_data) / BATCH_SIZE, epochs=5)
