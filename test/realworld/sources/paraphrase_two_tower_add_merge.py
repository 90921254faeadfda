# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: sentence-pair (paraphrase / NLI) baselines that encode both sentences with their
#   own masked embedding and LSTM and merge the two sequences step by step with Add / Multiply
#   before pooling (the Quora question pairs kernels' "two towers + merge" models)
# Kind: two masked branches merged with keras.layers.Add and Multiply (mask rules differ between
#   Keras 3 and tf-keras 2), a Subtract, concatenate of pooled vectors, GlobalAveragePooling1D
#   over merged masked sequences; `from keras.layers import ...` with Keras 2-3 compatible names.
import numpy as np
from keras.models import Model
from keras.layers import Input, Embedding, LSTM, Add, Multiply, Subtract, GlobalAveragePooling1D, Dense, concatenate

MAX_LEN = 20
VOCAB = 1500

q1 = Input(shape=(MAX_LEN,), name='q1')
q2 = Input(shape=(MAX_LEN,), name='q2')

e1 = Embedding(VOCAB, 24, mask_zero=True)(q1)
e2 = Embedding(VOCAB, 24, mask_zero=True)(q2)

h1 = LSTM(24, return_sequences=True)(e1)
h2 = LSTM(24, return_sequences=True)(e2)

added = Add()([h1, h2])
multiplied = Multiply()([h1, h2])
difference = Subtract()([h1, h2])

pooled = [GlobalAveragePooling1D()(t) for t in (added, multiplied, difference)]
x = concatenate(pooled)
x = Dense(32, activation='relu')(x)
is_duplicate = Dense(1, activation='sigmoid')(x)

model = Model(inputs=[q1, q2], outputs=is_duplicate)
model.compile(loss='binary_crossentropy', optimizer='nadam', metrics=['acc'])

pairs = np.load('question_pairs.npz')
model.fit([pairs['q1'], pairs['q2']], pairs['label'], batch_size=256, epochs=8, validation_split=0.1)
