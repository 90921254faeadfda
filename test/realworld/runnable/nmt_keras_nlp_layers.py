# <<< runnable copy of sources/nmt_keras_nlp_layers.py for the goldens: the model code is the corpus file's;
# Replaced: the spa-eng download and the WordPiece vocabulary training (tensorflow_text) ->
# small fixed vocabularies; added: post-padded id batches. keras_nlp itself is real (from
# test/realworld/requirements-corpus.txt).
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/nlp/neural_machine_translation_with_keras_nlp.py
#   commit 7eda41df207f8bb10a88052869b1c961eb1de067 (Apache-2.0)
#   https://github.com/keras-team/keras-io/blob/7eda41df207f8bb10a88052869b1c961eb1de067/examples/nlp/neural_machine_translation_with_keras_nlp.py
# Kind: third-party layers: keras_nlp's TokenAndPositionEmbedding(mask_zero=True),
#   TransformerEncoder and TransformerDecoder (keyword inputs decoder_sequence= /
#   encoder_sequence=); tokenizers trained on the data; encoder and decoder sub-models.
import keras_nlp
import pathlib
import random

import keras
from keras import ops

import tensorflow.data as tf_data
# <<< replaced: tensorflow_text (only its vocabulary trainer was used)
# >>>

BATCH_SIZE = 64
EPOCHS = 1  # This should be at least 10 for convergence
MAX_SEQUENCE_LENGTH = 40
ENG_VOCAB_SIZE = 500
SPA_VOCAB_SIZE = 500

EMBED_DIM = 32
INTERMEDIATE_DIM = 64
NUM_HEADS = 4

# <<< replaced: the spa-eng download -> synthetic pairs
lines = ["the cat\tel gato", "a dog\tun perro"]
# >>>
text_pairs = []
for line in lines:
    eng, spa = line.split("\t")
    eng = eng.lower()
    spa = spa.lower()
    text_pairs.append((eng, spa))
random.shuffle(text_pairs)


def train_word_piece(text_samples, vocab_size, reserved_tokens):
    word_piece_ds = tf_data.Dataset.from_tensor_slices(text_samples)
    vocab = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        word_piece_ds.batch(1000).prefetch(2),
        vocabulary_size=vocab_size,
        reserved_tokens=reserved_tokens,
    )
    return vocab


reserved_tokens = ["[PAD]", "[UNK]", "[START]", "[END]"]
eng_samples = [text_pair[0] for text_pair in text_pairs]
# <<< replaced: WordPiece training -> a fixed vocabulary
eng_vocab = reserved_tokens + ['the', 'cat', 'a', 'dog']
# >>>
spa_samples = [text_pair[1] for text_pair in text_pairs]
# <<< replaced: WordPiece training -> a fixed vocabulary
spa_vocab = reserved_tokens + ['el', 'gato', 'un', 'perro']
# >>>

eng_tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary=eng_vocab, lowercase=False)
spa_tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary=spa_vocab, lowercase=False)

# Encoder
encoder_inputs = keras.Input(shape=(None,), name="encoder_inputs")

x = keras_nlp.layers.TokenAndPositionEmbedding(
    vocabulary_size=ENG_VOCAB_SIZE,
    sequence_length=MAX_SEQUENCE_LENGTH,
    embedding_dim=EMBED_DIM,
    mask_zero=True,
)(encoder_inputs)

encoder_outputs = keras_nlp.layers.TransformerEncoder(intermediate_dim=INTERMEDIATE_DIM, num_heads=NUM_HEADS)(inputs=x)
encoder = keras.Model(encoder_inputs, encoder_outputs)


# Decoder
decoder_inputs = keras.Input(shape=(None,), name="decoder_inputs")
encoded_seq_inputs = keras.Input(shape=(None, EMBED_DIM), name="decoder_state_inputs")

x = keras_nlp.layers.TokenAndPositionEmbedding(
    vocabulary_size=SPA_VOCAB_SIZE,
    sequence_length=MAX_SEQUENCE_LENGTH,
    embedding_dim=EMBED_DIM,
    mask_zero=True,
)(decoder_inputs)

x = keras_nlp.layers.TransformerDecoder(intermediate_dim=INTERMEDIATE_DIM, num_heads=NUM_HEADS)(
    decoder_sequence=x, encoder_sequence=encoded_seq_inputs
)
x = keras.layers.Dropout(0.5)(x)
decoder_outputs = keras.layers.Dense(SPA_VOCAB_SIZE, activation="softmax")(x)
decoder = keras.Model(
    [
        decoder_inputs,
        encoded_seq_inputs,
    ],
    decoder_outputs,
)
decoder_outputs = decoder([decoder_inputs, encoder_outputs])

transformer = keras.Model(
    [encoder_inputs, decoder_inputs],
    decoder_outputs,
    name="transformer",
)

transformer.summary()
transformer.compile("rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
# <<< added: golden data: post-padded token ids
import _synthetic as syn
_enc = syn.padded_ids(4, 12, ENG_VOCAB_SIZE, min_len=2)
_dec = syn.padded_ids(4, 12, SPA_VOCAB_SIZE, seed=1, min_len=2)
MASKLENS_DATA = {"transformer": ([_enc, _dec], syn.padded_ids(4, 12, SPA_VOCAB_SIZE, seed=1, min_len=2))}
# >>>
