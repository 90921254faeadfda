# <<< runnable copy of sources/notebook_next_word_lstm.py for the goldens: the model code is the corpus file's;
# Replaced: the lyrics text file -> four short synthetic lines; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the next-word prediction notebooks (Coursera "NLP in TensorFlow" style: n-gram
#   prefixes, pre-padding, Embedding(total_words, ..., input_length=max_sequence_len-1),
#   Bidirectional LSTM, one-hot labels), exported from Jupyter with "# In[n]:" markers.
# Kind: notebook export with shell and magic lines commented out, tf.keras.utils.to_categorical,
#   pre-padded prefixes, no mask (pre-padding runs through the LSTM), variables computed from
#   the data (total_words, max_sequence_len) that set the model's shapes.
# In[1]:
# !pip install -q tensorflow
# %matplotlib inline
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.layers import Embedding, LSTM, Dense, Bidirectional
from tensorflow.keras.models import Sequential
from tensorflow.keras.optimizers import Adam

# In[2]:
tokenizer = Tokenizer()
# <<< replaced: the lyrics file -> four short lines
data = "in the town of athy one jeremy lanigan\nbattered away til he hadnt a pound\nhis father he died\nand made him a man again"
# >>>
corpus = data.lower().split("\n")

tokenizer.fit_on_texts(corpus)
total_words = len(tokenizer.word_index) + 1

# In[3]:
input_sequences = []
for line in corpus:
    token_list = tokenizer.texts_to_sequences([line])[0]
    for i in range(1, len(token_list)):
        n_gram_sequence = token_list[:i+1]
        input_sequences.append(n_gram_sequence)

# pad sequences
max_sequence_len = max([len(x) for x in input_sequences])
input_sequences = np.array(pad_sequences(input_sequences, maxlen=max_sequence_len, padding='pre'))

# predictors and label
xs, labels = input_sequences[:,:-1],input_sequences[:,-1]

ys = tf.keras.utils.to_categorical(labels, num_classes=total_words)

# In[4]:
model = Sequential()
model.add(Embedding(total_words, 32, input_length=max_sequence_len-1))
model.add(Bidirectional(LSTM(40)))
model.add(Dense(total_words, activation='softmax'))
adam = Adam(learning_rate=0.01)
model.compile(loss='categorical_crossentropy', optimizer=adam, metrics=['accuracy'])
# earlystop = EarlyStopping(monitor='val_loss', min_delta=0, patience=5, verbose=0, mode='auto')
# <<< removed: training
# >>>
# print model.summary()
print(model)
# <<< added: golden data: the first six prefixes the file builds
MASKLENS_DATA = {"model": (xs[:6], ys[:6])}
# >>>
