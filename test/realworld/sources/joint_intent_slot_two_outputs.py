# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the joint intent detection / slot filling models (IntentExtractionModel-style
#   classes, "A Joint Model of Intent Determination and Slot Filling" re-implementations):
#   one masked encoder, a per-token slot head and a per-utterance intent head
#   e.g. IntelLabs/nlp-architect, nlp_architect/models/intent_extraction.py,
#   commit c67aabab14b14fdef4b7e0ac576e2178dfb272b3 (Apache-2.0)
# Kind: a class whose build() stores self.model; two outputs with a loss dict and
#   loss_weights; the slot head keeps the mask (it reaches the loss), the intent head is a
#   max-pooled vector; `from keras import Input, Model`; layers named for the outputs.
from keras import Input, Model
from keras.layers import (LSTM, Bidirectional, Dense, Dropout, Embedding,
                          GlobalMaxPooling1D, TimeDistributed)


class JointIntentSlotModel(object):
    def __init__(self):
        self.model = None

    def build(self, vocab_size, num_intents, num_slots, word_emb_dims=32, lstm_dims=32, dropout=0.2):
        words = Input(shape=(None,), dtype='int32', name='words')
        x = Embedding(vocab_size, word_emb_dims, mask_zero=True, name='word_embedding')(words)
        x = Dropout(dropout)(x)
        encoded = Bidirectional(LSTM(lstm_dims, return_sequences=True), name='encoder')(x)
        slots = TimeDistributed(Dense(num_slots, activation='softmax'), name='slots')(encoded)
        pooled = GlobalMaxPooling1D()(encoded)
        intent = Dense(num_intents, activation='softmax', name='intent')(pooled)
        self.model = Model(inputs=words, outputs=[intent, slots])
        self.model.compile(optimizer='adam',
                           loss={'intent': 'sparse_categorical_crossentropy', 'slots': 'sparse_categorical_crossentropy'},
                           loss_weights={'intent': 1.0, 'slots': 1.0},
                           metrics=['accuracy'])

    def fit(self, x, y, epochs=1, batch_size=1, validation=None):
        assert self.model, 'Model was not initialized'
        self.model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=True, validation_data=validation)


atis = JointIntentSlotModel()
atis.build(vocab_size=900, num_intents=18, num_slots=30)
