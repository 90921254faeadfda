# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: word-level seq2seq chatbots/translators built on the keras.io "A ten-minute
#   introduction to sequence-to-sequence learning" blog post (Embedding(mask_zero=True) variant
#   in its FAQ), with separate inference models sharing the training layers
#   (public code citing hamelsmu/Seq2Seq_Tutorial, with `class seq2seq: def get_model(self)`;
#   the search did not name its repository)
# Kind: a class whose get_model() returns the training model and whose
#   get_inference_models() reuses the same layer objects (stored on self) for encoder and
#   decoder models; GRU with return_state; masked embeddings; `from keras.models import Model`.
import numpy as np
from keras.models import Model
from keras.layers import Input, GRU, Dense, Embedding


class seq2seq:
    def __init__(self, num_encoder_tokens, embedding_dim, hidden_dim, num_decoder_tokens):
        self.num_encoder_tokens = num_encoder_tokens
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.num_decoder_tokens = num_decoder_tokens

    def get_model(self):
        # Define an input sequence and process it.
        self.encoder_inputs = Input(shape=(None,))
        encoder_inputs_emb = Embedding(input_dim=self.num_encoder_tokens, output_dim=self.embedding_dim, mask_zero=True)(self.encoder_inputs)
        encoder_outputs, self.state_h = GRU(self.hidden_dim, return_state=True)(encoder_inputs_emb)

        # the decoder starts from the encoder's final state
        self.decoder_inputs = Input(shape=(None,))
        self.dec_emb = Embedding(input_dim=self.num_decoder_tokens, output_dim=self.embedding_dim, mask_zero=True)
        self.decoder_gru = GRU(self.hidden_dim, return_sequences=True, return_state=True)
        decoder_outputs, _ = self.decoder_gru(self.dec_emb(self.decoder_inputs), initial_state=self.state_h)
        self.decoder_dense = Dense(self.num_decoder_tokens, activation='softmax')
        decoder_outputs = self.decoder_dense(decoder_outputs)

        model = Model([self.encoder_inputs, self.decoder_inputs], decoder_outputs)
        model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy')
        return model

    def get_inference_models(self):
        encoder_model = Model(self.encoder_inputs, self.state_h)
        state_input = Input(shape=(self.hidden_dim,))
        outputs, state = self.decoder_gru(self.dec_emb(self.decoder_inputs), initial_state=state_input)
        decoder_model = Model([self.decoder_inputs, state_input], [self.decoder_dense(outputs), state])
        return encoder_model, decoder_model


s2s = seq2seq(num_encoder_tokens=700, embedding_dim=24, hidden_dim=32, num_decoder_tokens=500)
model = s2s.get_model()
encoder_model, decoder_model = s2s.get_inference_models()

data = np.load('dialogs.npz')
model.fit([data['enc'], data['dec_in']], data['dec_out'], batch_size=64, epochs=30, validation_split=0.1)
