# <<< runnable copy of sources/lambda_mean_masked_embedding.py for the goldens: the model code is the corpus file's;
# Replaced: the IMDB download -> synthetic reviews (pre-padded by the file's pad_sequences);
# removed: training and evaluation.
# >>>
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

# <<< replaced: IMDB download -> synthetic reviews
_rng = np.random.default_rng(0)
X_train = [list(_rng.integers(1, max_features, size=n)) for n in (120, 4, 51, 77)]
y_train = _rng.integers(0, 2, size=4).astype("float32")
X_test, y_test = X_train, y_train
# >>>
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
# <<< removed: training and evaluation
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (X_test, y_test)}
# >>>
