# <<< runnable copy of sources/luong_dot_attention_masked_seq2seq.py for the goldens: the model code is the corpus file's;
# Replaced: nothing; removed: training and saving.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: wanasit/katakana, notebooks/Attention-based Sequence-to-Sequence in Keras.ipynb
#   commit 094ba494fdad3cf488ed708fb880de7520eb9dc1
#   https://github.com/wanasit/katakana/blob/094ba494fdad3cf488ed708fb880de7520eb9dc1/notebooks/Attention-based%20Sequence-to-Sequence%20in%20Keras.ipynb
#   (the pattern is copied into many projects: functions returning the model, a class whose
#   get_model() keeps tensors on self)
# Kind: Luong "dot" attention written with layers: dot([decoder, encoder], axes=[2, 2]),
#   Activation('softmax'), dot([attention, encoder], axes=[2, 1]), concatenate with the decoder
#   sequence; masked encoder and decoder embeddings; the encoder's last step taken by slicing a
#   Keras tensor (encoder[:, -1, :]) and given as initial_state; TimeDistributed heads; a
#   character-level encoding built with dict comprehensions; `from keras.layers import dot`.
import numpy as np
from keras.layers import Input, Embedding, LSTM, TimeDistributed, Dense, Activation, dot, concatenate
from keras.models import Model

INPUT_LENGTH = 20
OUTPUT_LENGTH = 20
CHAR_CODE_START = 1
CHAR_CODE_PADDING = 0


def build_characters_encoding(names):
    count = 2
    encoding = {}
    decoding = {1: 'START'}
    for c in set([c for name in names for c in name]):
        encoding[c] = count
        decoding[count] = c
        count += 1
    return encoding, decoding, count


def transform(encoding, data, vector_size=20):
    transformed_data = np.zeros(shape=(len(data), vector_size))
    for i in range(len(data)):
        for j in range(min(len(data[i]), vector_size)):
            transformed_data[i][j] = encoding[data[i][j]]
    return transformed_data


english = ['computer', 'keyboard', 'mouse', 'internet', 'television', 'coffee']
katakana = ['コンピューター', 'キーボード', 'マウス', 'インターネット', 'テレビ', 'コーヒー']

input_encoding, input_decoding, input_dict_size = build_characters_encoding(english)
output_encoding, output_decoding, output_dict_size = build_characters_encoding(katakana)

encoded_training_input = transform(input_encoding, english, vector_size=INPUT_LENGTH)
encoded_training_output = transform(output_encoding, katakana, vector_size=OUTPUT_LENGTH)

training_encoder_input = encoded_training_input
training_decoder_input = np.zeros_like(encoded_training_output)
training_decoder_input[:, 1:] = encoded_training_output[:, :-1]
training_decoder_input[:, 0] = CHAR_CODE_START
training_decoder_output = np.eye(output_dict_size)[encoded_training_output.astype('int')]


def create_model():
    encoder_input = Input(shape=(INPUT_LENGTH,))
    decoder_input = Input(shape=(OUTPUT_LENGTH,))

    encoder = Embedding(input_dict_size, 64, input_length=INPUT_LENGTH, mask_zero=True)(encoder_input)
    encoder = LSTM(64, return_sequences=True, unroll=True)(encoder)
    encoder_last = encoder[:, -1, :]

    decoder = Embedding(output_dict_size, 64, input_length=OUTPUT_LENGTH, mask_zero=True)(decoder_input)
    decoder = LSTM(64, return_sequences=True, unroll=True)(decoder, initial_state=[encoder_last, encoder_last])

    # 'dot' score (Luong et al. 2015, section 3.1): a softmax over the encoder steps
    attention = dot([decoder, encoder], axes=[2, 2])
    attention = Activation('softmax', name='attention')(attention)

    context = dot([attention, encoder], axes=[2, 1])
    decoder_combined_context = concatenate([context, decoder])

    output = TimeDistributed(Dense(64, activation="tanh"))(decoder_combined_context)
    output = TimeDistributed(Dense(output_dict_size, activation="softmax"))(output)

    model = Model(inputs=[encoder_input, decoder_input], outputs=[output])
    model.compile(optimizer='adam', loss='categorical_crossentropy')
    return model


model = create_model()
# <<< removed: training and saving
# >>>
# <<< added: golden data: the file's own encoded words
MASKLENS_DATA = {"model": ([training_encoder_input, training_decoder_input], training_decoder_output)}
# >>>
