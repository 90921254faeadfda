# <<< runnable copy of sources/ner_char_word_timedistributed.py for the goldens: the model code is the corpus file's;
# Nothing replaced (the file has no data). Added: padded word ids, per-word padded character ids
# (padding words have no characters) and sparse tags.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: NatualLanguageProcessing/Ner_vietnamese, thien/lstm_char.py
#   commit 5d8b6014fec0096997d290c7fb94d76b9c4ffa06
#   https://github.com/NatualLanguageProcessing/Ner_vietnamese/blob/5d8b6014fec0096997d290c7fb94d76b9c4ffa06/thien/lstm_char.py
# Kind: word + character inputs; TimeDistributed(Embedding(mask_zero=True)) and
#   TimeDistributed(LSTM) build a word vector from its characters; the masked word embedding is
#   concatenated with it; SpatialDropout1D; BiLSTM tagger with a softmax per step.
# <<< replaced: import moved: keras.models.Input (Keras 2.0-2.3) is keras.layers.Input
from keras.models import Model
from keras.layers import Input
# >>>
from keras.layers import LSTM, Embedding, Dense, TimeDistributed, Dropout, Conv1D
from keras.layers import Bidirectional, concatenate, SpatialDropout1D, GlobalMaxPooling1D

max_len = 75
n_words = 10
max_len_char = 10
n_chars = 10
n_tags = 10


# word input and its embedding
word_in = Input(shape=(max_len,), name='input_word')
emb_word = Embedding(input_dim=n_words + 2, output_dim=20,
                     input_length=max_len, mask_zero=True)(word_in)

# character input and embeddings, one sequence of characters per word
char_in = Input(shape=(max_len, max_len_char,), name='char_in')
emb_char = TimeDistributed(Embedding(input_dim=n_chars + 2, output_dim=10,
                           input_length=max_len_char, mask_zero=True))(char_in)

# a character LSTM encodes each word
char_enc = TimeDistributed(LSTM(units=20, return_sequences=False,
                                recurrent_dropout=0.5))(emb_char)

# main LSTM
x = concatenate([emb_word, char_enc])
x = SpatialDropout1D(0.3)(x)
main_lstm = Bidirectional(LSTM(units=50, return_sequences=True,
                               recurrent_dropout=0.6))(x)
out = TimeDistributed(Dense(n_tags + 1, activation="softmax"))(main_lstm)

model = Model([word_in, char_in], out)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
model.summary()
# <<< added: golden data
import numpy as np
import _synthetic as syn
_words = syn.padded_ids(4, max_len, n_words + 2, min_len=3)
_chars = np.zeros((4, max_len, max_len_char), dtype="int32")
for _i in range(4):
    for _t in range(max_len):
        if _words[_i, _t]:
            _chars[_i, _t] = syn.padded_ids(1, max_len_char, n_chars + 2, seed=_i * 100 + _t)[0]
MASKLENS_DATA = {"model": ([_words, _chars], syn.tag_ids(_words, n_tags + 1)[..., None])}
# >>>
