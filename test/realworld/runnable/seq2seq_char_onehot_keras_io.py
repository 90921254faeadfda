# <<< runnable copy of sources/seq2seq_char_onehot_keras_io.py for the goldens: the model code is the corpus file's;
# Replaced: reading fra.txt -> eight short synthetic sentence pairs (the file's own code one-hot
# encodes them); training and the save/load round trip removed (the trained model object is
# used as the "restored" one).
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/nlp/lstm_seq2seq.py
#   commit 7d9a8190d134b15aa8fb54b457e8ba6c1cb562a3 (Apache-2.0)
#   https://github.com/keras-team/keras-io/blob/7d9a8190d134b15aa8fb54b457e8ba6c1cb562a3/examples/nlp/lstm_seq2seq.py
# Kind: character-level seq2seq on one-hot inputs (no mask: sequences padded with the space
#   character), encoder states as the decoder's initial_state, inference models rebuilt from
#   the trained model's layers by index (model.input[0], model.layers[2].output).
import numpy as np
import keras
import os
from pathlib import Path

batch_size = 64  # Batch size for training.
epochs = 100  # Number of epochs to train for.
latent_dim = 64  # Latent dimensionality of the encoding space.
num_samples = 10000  # Number of samples to train on.
data_path = os.path.join("fra-eng", "fra.txt")

input_texts = []
target_texts = []
input_characters = set()
target_characters = set()
# <<< replaced: fra.txt -> synthetic sentence pairs
_rng = np.random.default_rng(0)
_a, _b = "abcdefgh ", "ABCDEFG "
lines = ["%s \t%s \tCC" % ("".join(_rng.choice(list(_a), size=n)), "".join(_rng.choice(list(_b), size=m))) for n, m in ((9, 7), (3, 2), (6, 5), (4, 8))] + [""]
# >>>
for line in lines[: min(num_samples, len(lines) - 1)]:
    input_text, target_text, _ = line.split("\t")
    # "\t" starts a target sequence, "\n" ends it
    target_text = "\t" + target_text + "\n"
    input_texts.append(input_text)
    target_texts.append(target_text)
    for char in input_text:
        if char not in input_characters:
            input_characters.add(char)
    for char in target_text:
        if char not in target_characters:
            target_characters.add(char)

input_characters = sorted(list(input_characters))
target_characters = sorted(list(target_characters))
num_encoder_tokens = len(input_characters)
num_decoder_tokens = len(target_characters)
max_encoder_seq_length = max([len(txt) for txt in input_texts])
max_decoder_seq_length = max([len(txt) for txt in target_texts])

input_token_index = dict([(char, i) for i, char in enumerate(input_characters)])
target_token_index = dict([(char, i) for i, char in enumerate(target_characters)])

encoder_input_data = np.zeros((len(input_texts), max_encoder_seq_length, num_encoder_tokens), dtype="float32")
decoder_input_data = np.zeros((len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32")
decoder_target_data = np.zeros((len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32")

for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts)):
    for t, char in enumerate(input_text):
        encoder_input_data[i, t, input_token_index[char]] = 1.0
    encoder_input_data[i, t + 1 :, input_token_index[" "]] = 1.0
    for t, char in enumerate(target_text):
        decoder_input_data[i, t, target_token_index[char]] = 1.0
        if t > 0:
            # the target is one step ahead of the decoder input
            decoder_target_data[i, t - 1, target_token_index[char]] = 1.0
    decoder_input_data[i, t + 1 :, target_token_index[" "]] = 1.0
    decoder_target_data[i, t:, target_token_index[" "]] = 1.0

encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)

# keep only the states
encoder_states = [state_h, state_c]

decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))

decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)

model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)

model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
# <<< removed: training and saving
# >>>

# Inference: restore the model and build the sampling models from its layers
# <<< removed: reloading (the model object above stands for the restored one)
# >>>

encoder_inputs = model.input[0]  # input_1
encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output  # lstm_1
encoder_states = [state_h_enc, state_c_enc]
encoder_model = keras.Model(encoder_inputs, encoder_states)

decoder_inputs = model.input[1]  # input_2
decoder_state_input_h = keras.Input(shape=(latent_dim,))
decoder_state_input_c = keras.Input(shape=(latent_dim,))
decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
decoder_lstm = model.layers[3]
decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(decoder_inputs, initial_state=decoder_states_inputs)
decoder_states = [state_h_dec, state_c_dec]
decoder_dense = model.layers[4]
decoder_outputs = decoder_dense(decoder_outputs)
decoder_model = keras.Model([decoder_inputs] + decoder_states_inputs, [decoder_outputs] + decoder_states)
# <<< added: golden data: the file's own one-hot arrays
MASKLENS_DATA = {"model": ([encoder_input_data, decoder_input_data], decoder_target_data)}
# >>>
