# <<< runnable copy of sources/han_document_classifier_timedistributed.py for the goldens: the model code is the corpus file's;
# Replaced: the saved review arrays -> synthetic documents (post-padded word ids per sentence,
# padding sentences all zero) and one-hot labels; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: ngc436/language_model, experiments/HANN_try.py (after richliao/textClassifier's
#   textClassifierHATT.py)
#   commit 652170a3e12856000e8848f9eba26de18c8c55b0
#   https://github.com/ngc436/language_model/blob/652170a3e12856000e8848f9eba26de18c8c55b0/experiments/HANN_try.py
# Kind: hierarchical attention network: a sentence encoder Model (masked Embedding -> BiGRU ->
#   attention) applied to every sentence with TimeDistributed, then a document BiGRU and the
#   same attention layer class; the attention layer (Keras 2 style, K.* ops) sets
#   supports_masking, uses the mask in call and returns no mask.
import numpy as np
from keras import backend as K
from keras import initializers
from keras.layers import Layer, Input, Embedding, Dense, GRU, Bidirectional, TimeDistributed
from keras.models import Model

MAX_SENT_LENGTH = 20
MAX_SENTS = 8
MAX_NB_WORDS = 2000
EMBEDDING_DIM = 32


class AttLayer(Layer):
    def __init__(self, attention_dim, **kwargs):
        self.init = initializers.get('normal')
        self.supports_masking = True
        self.attention_dim = attention_dim
        super(AttLayer, self).__init__(**kwargs)

    def build(self, input_shape):
        assert len(input_shape) == 3
        self.W = self.add_weight(name='W', shape=(input_shape[-1], self.attention_dim), initializer=self.init)
        self.b = self.add_weight(name='b', shape=(self.attention_dim,), initializer='zeros')
        self.u = self.add_weight(name='u', shape=(self.attention_dim, 1), initializer=self.init)
        super(AttLayer, self).build(input_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, x, mask=None):
        uit = K.tanh(K.bias_add(K.dot(x, self.W), self.b))
        ait = K.dot(uit, self.u)
        ait = K.squeeze(ait, -1)
        ait = K.exp(ait)
        if mask is not None:
            ait *= K.cast(mask, K.floatx())
        ait /= K.cast(K.sum(ait, axis=1, keepdims=True) + K.epsilon(), K.floatx())
        ait = K.expand_dims(ait)
        weighted_input = x * ait
        return K.sum(weighted_input, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


# <<< replaced: the saved arrays -> synthetic documents
import _synthetic as syn
x_train = np.zeros((4, MAX_SENTS, MAX_SENT_LENGTH), dtype='int32')
for _d, _n in enumerate((8, 2, 5, 3)):
    x_train[_d, :_n] = syn.padded_ids(_n, MAX_SENT_LENGTH, MAX_NB_WORDS, seed=_d, min_len=2)
y_train = syn.one_hot(syn.classes(4, 2), 2)
# >>>

sentence_input = Input(shape=(MAX_SENT_LENGTH,), dtype='int32')
embedded_sequences = Embedding(MAX_NB_WORDS + 1, EMBEDDING_DIM, input_length=MAX_SENT_LENGTH, mask_zero=True)(sentence_input)
l_lstm = Bidirectional(GRU(16, return_sequences=True))(embedded_sequences)
l_att = AttLayer(16)(l_lstm)
sentEncoder = Model(sentence_input, l_att)

review_input = Input(shape=(MAX_SENTS, MAX_SENT_LENGTH), dtype='int32')
review_encoder = TimeDistributed(sentEncoder)(review_input)
l_lstm_sent = Bidirectional(GRU(16, return_sequences=True))(review_encoder)
l_att_sent = AttLayer(16)(l_lstm_sent)
preds = Dense(2, activation='softmax')(l_att_sent)
model = Model(review_input, preds)

model.compile(loss='categorical_crossentropy',
              optimizer='rmsprop',
              metrics=['acc'])

print("model fitting - Hierachical attention network")
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (x_train, y_train)}
# >>>
