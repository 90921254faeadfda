# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: Kamin-At/LSTM-CRF-NER, using_keras.py
#   commit c849c1df65a7d3ed7d97ac3e2f49fbe6f0a4c241
#   https://github.com/Kamin-At/LSTM-CRF-NER/blob/c849c1df65a7d3ed7d97ac3e2f49fbe6f0a4c241/using_keras.py
# Kind: a fragment pasted from a blog post: names (max_len, n_words, n_tags) defined
#   elsewhere, `from keras.models import Model, Input`, a model variable rebound to tensors,
#   keras_contrib's CRF on top of a masked BiLSTM.
from keras.models import Model, Input
from keras.layers import LSTM, Embedding, Dense, TimeDistributed, Dropout, Bidirectional
from keras_contrib.layers import CRF

input = Input(shape=(max_len,))
model = Embedding(input_dim=n_words + 1, output_dim=20,
                  input_length=max_len, mask_zero=True)(input)  # 20-dim embedding
model = Bidirectional(LSTM(units=50, return_sequences=True,
                           recurrent_dropout=0.1))(model)  # variational biLSTM
model = TimeDistributed(Dense(50, activation="relu"))(model)  # a dense layer on every step
crf = CRF(n_tags)  # CRF layer
out = crf(model)  # output

model = Model(input, out)
model.compile(optimizer="rmsprop", loss=crf.loss_function, metrics=[crf.accuracy])
model.summary()
