# <<< runnable copy of sources/keras_hub_fnet_classifier.py for the goldens: the model code is the corpus file's;
# Replaced: the aclImdb folders and the WordPiece vocabulary training -> a fixed vocabulary
# and no datasets; removed: training. keras_hub itself is real (requirements-corpus.txt).
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/nlp/fnet_classification_with_keras_hub.py
#   commit 773263c3143918f942886fe0a80ced7d71ce8767 (Apache-2.0)
#   https://github.com/keras-team/keras-io/blob/773263c3143918f942886fe0a80ced7d71ce8767/examples/nlp/fnet_classification_with_keras_hub.py
# Kind: keras_hub layers: TokenAndPositionEmbedding(mask_zero=True) feeding FNetEncoder blocks
#   and, in the second model, TransformerEncoder blocks; GlobalAveragePooling1D; two models in
#   one file; a WordPiece tokenizer over a trained vocabulary.
import keras_hub
import keras
import tensorflow as tf
import os

keras.utils.set_random_seed(42)

BATCH_SIZE = 64
EPOCHS = 3
MAX_SEQUENCE_LENGTH = 64
VOCAB_SIZE = 1000

EMBED_DIM = 32
INTERMEDIATE_DIM = 64

# <<< replaced: the aclImdb folders -> two tiny in-memory datasets
train_ds = tf.data.Dataset.from_tensor_slices((["a good film", "a bad plot"], [1, 0])).batch(2)
val_ds = train_ds
# >>>

# <<< replaced: WordPiece training -> a fixed vocabulary
vocab = ["[PAD]", "[UNK]", "a", "good", "bad", "film", "plot"]
# >>>
tokenizer = keras_hub.tokenizers.WordPieceTokenizer(
    vocabulary=vocab,
    lowercase=False,
    sequence_length=MAX_SEQUENCE_LENGTH,
)


def format_dataset(sentence, label):
    sentence = tokenizer(sentence)
    return ({"input_ids": sentence}, label)


def make_dataset(dataset):
    dataset = dataset.map(format_dataset, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.shuffle(512).prefetch(16).cache()


# <<< removed: tokenizing the datasets (WordPiece needs tensorflow_text; the datasets only fed training)
# >>>

input_ids = keras.Input(shape=(None,), dtype="int64", name="input_ids")

x = keras_hub.layers.TokenAndPositionEmbedding(
    vocabulary_size=VOCAB_SIZE,
    sequence_length=MAX_SEQUENCE_LENGTH,
    embedding_dim=EMBED_DIM,
    mask_zero=True,
)(input_ids)

x = keras_hub.layers.FNetEncoder(intermediate_dim=INTERMEDIATE_DIM)(inputs=x)
x = keras_hub.layers.FNetEncoder(intermediate_dim=INTERMEDIATE_DIM)(inputs=x)
x = keras_hub.layers.FNetEncoder(intermediate_dim=INTERMEDIATE_DIM)(inputs=x)

x = keras.layers.GlobalAveragePooling1D()(x)
x = keras.layers.Dropout(0.1)(x)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)

fnet_classifier = keras.Model(input_ids, outputs, name="fnet_classifier")

fnet_classifier.summary()
fnet_classifier.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
# <<< removed: training
# >>>

NUM_HEADS = 2
input_ids = keras.Input(shape=(None,), dtype="int64", name="input_ids")


x = keras_hub.layers.TokenAndPositionEmbedding(
    vocabulary_size=VOCAB_SIZE,
    sequence_length=MAX_SEQUENCE_LENGTH,
    embedding_dim=EMBED_DIM,
    mask_zero=True,
)(input_ids)

x = keras_hub.layers.TransformerEncoder(intermediate_dim=INTERMEDIATE_DIM, num_heads=NUM_HEADS)(inputs=x)
x = keras_hub.layers.TransformerEncoder(intermediate_dim=INTERMEDIATE_DIM, num_heads=NUM_HEADS)(inputs=x)
x = keras_hub.layers.TransformerEncoder(intermediate_dim=INTERMEDIATE_DIM, num_heads=NUM_HEADS)(inputs=x)


x = keras.layers.GlobalAveragePooling1D()(x)
x = keras.layers.Dropout(0.1)(x)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)

transformer_classifier = keras.Model(input_ids, outputs, name="transformer_classifier")


transformer_classifier.summary()
transformer_classifier.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
# <<< removed: training
# >>>
# <<< added: golden data: post-padded ids and binary labels for both models
import _synthetic as syn
_ids, _labels = syn.padded_ids(4, 16, VOCAB_SIZE, min_len=2), syn.binary(4)
MASKLENS_DATA = {"fnet_classifier": (_ids, _labels), "transformer_classifier": (_ids, _labels)}
# >>>
