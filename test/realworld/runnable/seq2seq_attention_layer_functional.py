# <<< runnable copy of sources/seq2seq_attention_layer_functional.py for the goldens: the model code is the corpus file's;
# Replaced: pandas reading pairs.tsv -> five synthetic question/answer pairs (the file's own
# Tokenizer and pad_sequences turn them into post-padded ids); removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: mehilshah/Bug_Reproducibility_DL_Bugs, Bugs/068/original_code_snippet.py (a Stack
#   Overflow seq2seq with dot-product attention), here with masked embeddings and the encoder
#   returning its sequence, as the fixed versions of that question do.
#   commit 5905ca9767d057c0e9f45851c681c14633688c90
#   https://github.com/mehilshah/Bug_Reproducibility_DL_Bugs/blob/5905ca9767d057c0e9f45851c681c14633688c90/Bugs/068/original_code_snippet.py
# Kind: functional encoder-decoder; Embedding(mask_zero=True) on both sides; LSTM
#   return_state / initial_state; keras Attention over two masked sequences; Concatenate;
#   TimeDistributed softmax; named layers; `from tensorflow.keras.layers import *`.
import numpy as np
# <<< removed: pandas (its CSV is replaced)
# >>>
from tensorflow.keras.layers import *
from tensorflow.keras.models import Model
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.utils import to_categorical

# <<< replaced: pairs.tsv -> synthetic pairs
_rng = np.random.default_rng(0)
_words = ['how', 'are', 'you', 'what', 'is', 'this', 'fine', 'thanks', 'a', 'cat', 'dog', 'name']
questions = [' '.join(_rng.choice(_words, size=n)) for n in (6, 2, 4, 5, 3)]
answers = ['<start> ' + ' '.join(_rng.choice(_words, size=n)) + ' <end>' for n in (3, 5, 1, 4, 2)]
# >>>

tokenizer = Tokenizer(filters='', oov_token='<unk>')
tokenizer.fit_on_texts(questions + answers)
num_encoder_tokens = len(tokenizer.word_index) + 1
num_decoder_tokens = num_encoder_tokens

encoder_training_input = pad_sequences(tokenizer.texts_to_sequences(questions), padding='post')
decoder_sequences = tokenizer.texts_to_sequences(answers)
decoder_training_input = pad_sequences([s[:-1] for s in decoder_sequences], padding='post')
decoder_training_target = to_categorical(pad_sequences([s[1:] for s in decoder_sequences], padding='post'), num_decoder_tokens)

embedding_size = 32
UNITS = 32

encoder_inputs = Input(shape=(None,), name="encoder_inputs")

encoder_embs = Embedding(num_encoder_tokens, embedding_size, mask_zero=True, name="encoder_embs")(encoder_inputs)

# encoder lstm
encoder = LSTM(UNITS, return_sequences=True, return_state=True, name="encoder_LSTM")
encoder_outputs, state_h, state_c = encoder(encoder_embs)

encoder_states = [state_h, state_c]

decoder_inputs = Input(shape=(None,), name="decoder_inputs")
decoder_embs = Embedding(num_decoder_tokens, embedding_size, mask_zero=True, name="decoder_embs")(decoder_inputs)

# decoder lstm
decoder_lstm = LSTM(UNITS, return_sequences=True, return_state=True, name="decoder_LSTM")
decoder_outputs, _, _ = decoder_lstm(decoder_embs, initial_state=encoder_states)

attention = Attention(name="attention_layer")
attention_out = attention([decoder_outputs, encoder_outputs])

decoder_concatenate = Concatenate(axis=-1, name="concat_layer")([decoder_outputs, attention_out])
decoder_outputs = TimeDistributed(Dense(units=num_decoder_tokens,
                                        activation='softmax', name="decoder_denseoutput"))(decoder_concatenate)

model = Model([encoder_inputs, decoder_inputs], decoder_outputs, name="s2s_model")
model.compile(optimizer='RMSprop', loss='categorical_crossentropy', metrics=['accuracy'])

model.summary()

# <<< removed: training
# >>>
# <<< added: golden data: the file's own padded arrays
MASKLENS_DATA = {"model": ([encoder_training_input, decoder_training_input], decoder_training_target)}
# >>>
