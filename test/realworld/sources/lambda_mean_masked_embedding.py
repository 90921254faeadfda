# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras, examples/imdb_dan.py (a deep averaging network), in the
#   tf.keras spelling its later copies use: the average is a Lambda over K.mean
#   commit 299e8deddadb620ace2b0465ef960752a3c65689 (MIT)
#   https://github.com/keras-team/keras/blob/299e8deddadb620ace2b0465ef960752a3c65689/examples/imdb_dan.py
# Kind: Lambda(lambda x: K.mean(x, axis=1)) after Embedding(mask_zero=True): the Lambda has no
#   mask= so the mask stops there (and the mean counts the padding); three Dense+Dropout
#   blocks added in a loop; `import tensorflow.keras.backend as K`.
import numpy as np
import tensorflow as tf
import tensorflow.keras.backend as K
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout, Embedding, Lambda
from tensorflow.keras.preprocessing import sequence

max_features = 3000
maxlen = 100
batch_size = 32
hidden = 48

(X_train, y_train), (X_test, y_test) = tf.keras.datasets.imdb.load_data(num_words=max_features)
X_train = sequence.pad_sequences(X_train, maxlen=maxlen)
X_test = sequence.pad_sequences(X_test, maxlen=maxlen)

model = Sequential()
model.add(Embedding(max_features, hidden, input_length=maxlen, mask_zero=True))
model.add(Lambda(lambda x: K.mean(x, axis=1)))
for _ in range(3):
    model.add(Dense(hidden, activation='relu'))
    model.add(Dropout(.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy', optimizer='adagrad', metrics=['accuracy'])
model.fit(X_train, y_train, batch_size=batch_size, epochs=4, validation_data=(X_test, y_test))
score, acc = model.evaluate(X_test, y_test, batch_size=batch_size)
print('Test score:', score)
print('Test accuracy:', acc)
