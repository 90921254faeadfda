# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/imdb_cnn.py (Keras 2), with the mask_zero=True that
#   many copies add to the embedding
#   commit 50502e93df26287c2422048dd69651a0c3eb78b8 (MIT)
#   https://github.com/keras-team/keras/blob/50502e93df26287c2422048dd69651a0c3eb78b8/examples/imdb_cnn.py
# Kind: masked Embedding followed by Dropout, Conv1D and GlobalMaxPooling1D (the mask
#   meets layers that do not support it: Keras 3 warns, tf-keras 2 drops it silently);
#   Sequential with input_length; Activation layers.
from __future__ import print_function

from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation
from keras.layers import Embedding
from keras.layers import Conv1D, GlobalMaxPooling1D
from keras.datasets import imdb

# set parameters:
max_features = 3000
maxlen = 120
batch_size = 32
embedding_dims = 24
filters = 32
kernel_size = 3
hidden_dims = 32
epochs = 2

print('Loading data...')
(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=max_features)

print('Pad sequences (samples x time)')
x_train = sequence.pad_sequences(x_train, maxlen=maxlen, padding='post')
x_test = sequence.pad_sequences(x_test, maxlen=maxlen, padding='post')

print('Build model...')
model = Sequential()

# an embedding that masks the padding
model.add(Embedding(max_features,
                    embedding_dims,
                    input_length=maxlen,
                    mask_zero=True))
model.add(Dropout(0.2))

model.add(Conv1D(filters,
                 kernel_size,
                 padding='valid',
                 activation='relu',
                 strides=1))
model.add(GlobalMaxPooling1D())

model.add(Dense(hidden_dims))
model.add(Dropout(0.2))
model.add(Activation('relu'))

model.add(Dense(1))
model.add(Activation('sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='adam',
              metrics=['accuracy'])
model.fit(x_train, y_train,
          batch_size=batch_size,
          epochs=epochs,
          validation_data=(x_test, y_test))
