# <<< runnable copy of sources/word_embeddings_tf_tutorial.py for the goldens: the model code is the corpus file's;
# Replaced: the aclImdb folders -> a handful of in-memory reviews; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: tensorflow/text, docs/tutorials/word_embeddings.ipynb (code cells in order)
#   commit 129d04e9e53746fb5a58a02230ed3d5f3379e4e9 (Apache-2.0)
#   https://github.com/tensorflow/text/blob/129d04e9e53746fb5a58a02230ed3d5f3379e4e9/docs/tutorials/word_embeddings.ipynb
# Kind: a TextVectorization layer with a custom standardisation, output_sequence_length
#   padding, an unmasked Embedding named "embedding" and GlobalAveragePooling1D (the padding is
#   averaged in), a from_logits loss; Sequential mixing the vectorizer and the model.
import io
import os
import re
import shutil
import string
import tensorflow as tf

from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Embedding, GlobalAveragePooling1D
from tensorflow.keras.layers import TextVectorization

batch_size = 1024
seed = 123
# <<< replaced: the aclImdb folders -> in-memory reviews
_texts = ['A great film<br />truly', 'Bad.', 'The plot was slow but the music was good', 'Boring actors, boring story']
_labels = [1, 0, 1, 0]
train_ds = tf.data.Dataset.from_tensor_slices((_texts, _labels)).batch(batch_size)
val_ds = train_ds
# >>>


# Create a custom standardization function to strip HTML break tags '<br />'.
def custom_standardization(input_data):
  lowercase = tf.strings.lower(input_data)
  stripped_html = tf.strings.regex_replace(lowercase, '<br />', ' ')
  return tf.strings.regex_replace(stripped_html,
                                  '[%s]' % re.escape(string.punctuation), '')


# Vocabulary size and number of words in a sequence.
vocab_size = 1000
sequence_length = 40

vectorize_layer = TextVectorization(
    standardize=custom_standardization,
    max_tokens=vocab_size,
    output_mode='int',
    output_sequence_length=sequence_length)

# Make a text-only dataset (no labels) and call adapt to build the vocabulary.
text_ds = train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)

embedding_dim = 16

model = Sequential([
  vectorize_layer,
  Embedding(vocab_size, embedding_dim, name="embedding"),
  GlobalAveragePooling1D(),
  Dense(16, activation='relu'),
  Dense(1)
])

model.compile(optimizer='adam',
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=['accuracy'])

# <<< removed: training
# >>>
# <<< added: golden data: the reviews as text
import numpy as np
MASKLENS_DATA = {"model": (np.array(_texts)[:, None], np.array(_labels, dtype='float32')[:, None])}
# >>>
