# <<< runnable copy of sources/bidirectional_return_state_encoder.py for the goldens: the model code is the corpus file's;
# Replaced: the tokenised articles and summaries -> synthetic post-padded ids; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: summarisation / translation encoder-decoders with a bidirectional encoder whose
#   forward and backward states are concatenated for the decoder (the many "Bidirectional LSTM
#   return_state=True ... Concatenate()([forward_h, backward_h])" text-summarizer repositories). No
#   single source file; a public example of the kind: DeepsMoseli/Bidirectiona-LSTM-for-text-summarization-,
#   lstm_Attention.py, commit bc0f8aebbb751a29100b22c869dfc181ab930f7b
# Kind: Bidirectional(LSTM(return_sequences=True, return_state=True)) unpacked into five
#   tensors, Concatenate of states, a decoder LSTM twice as wide with initial_state, masked
#   embeddings on both sides, Dense softmax per step (no TimeDistributed).
import numpy as np
from tensorflow.keras.layers import Input, LSTM, Embedding, Dense, Bidirectional, Concatenate
from tensorflow.keras.models import Model

x_voc, y_voc = 1200, 800
max_text_len, max_summary_len = 30, 8
latent_dim = 32
embedding_dim = 24

# Encoder
encoder_inputs = Input(shape=(max_text_len,))
enc_emb = Embedding(x_voc, embedding_dim, trainable=True, mask_zero=True)(encoder_inputs)
encoder_lstm = Bidirectional(LSTM(latent_dim, return_sequences=True, return_state=True, dropout=0.4, recurrent_dropout=0.4))
encoder_output, forward_h, forward_c, backward_h, backward_c = encoder_lstm(enc_emb)
state_h = Concatenate()([forward_h, backward_h])
state_c = Concatenate()([forward_c, backward_c])

# Decoder
decoder_inputs = Input(shape=(None,))
dec_emb_layer = Embedding(y_voc, embedding_dim, trainable=True, mask_zero=True)
dec_emb = dec_emb_layer(decoder_inputs)
decoder_lstm = LSTM(latent_dim * 2, return_sequences=True, return_state=True, dropout=0.4, recurrent_dropout=0.2)
decoder_outputs, decoder_fwd_state, decoder_back_state = decoder_lstm(dec_emb, initial_state=[state_h, state_c])

decoder_dense = Dense(y_voc, activation='softmax')
decoder_outputs = decoder_dense(decoder_outputs)

model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy')

# <<< replaced: the saved arrays -> synthetic ids; training removed
import _synthetic as syn
x_tr, y_tr = syn.padded_ids(4, max_text_len, x_voc, min_len=4), syn.padded_ids(4, max_summary_len, y_voc, seed=1, min_len=3)
# >>>
# <<< added: golden data: the decoder input and target the file's fit call builds
MASKLENS_DATA = {"model": ([x_tr, y_tr[:, :-1]], y_tr.reshape(y_tr.shape[0], y_tr.shape[1], 1)[:, 1:])}
# >>>
