# <<< runnable copy of sources/tfds_padded_batch_subword_bilstm.py for the goldens: the model code is the corpus file's;
# Replaced: the tfds download and its encoder -> synthetic reviews through the file's padded_batch; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: tensorflow/docs, site/en/tutorials/text/text_classification_rnn.ipynb in its
#   2020 form (tfds 'imdb_reviews/subwords8k', the dataset's own SubwordTextEncoder,
#   padded_batch), as many copies of it on GitHub still run it (Apache-2.0)
#   https://github.com/tensorflow/docs/blob/r2.2/site/en/tutorials/text/text_classification_rnn.ipynb
# Kind: a tf.data pipeline: tfds.load(..., as_supervised=True), shuffle, padded_batch (zero
#   padding made by the pipeline, never seen as an array); the vocabulary size from the
#   dataset's encoder (encoder.vocab_size); a Sequential Embedding (no mask: the padding runs
#   through the LSTM) -> Bidirectional(LSTM) -> Dense logits with
#   BinaryCrossentropy(from_logits=True); a second, stacked model whose embedding masks
#   padding and whose first Bidirectional returns sequences; a helper that pads one text by
#   hand for predict.
# <<< replaced: tensorflow_datasets and the IMDB download -> a synthetic dataset and encoder
import tensorflow as tf
import numpy as np
import _synthetic as syn


class _Encoder:
    vocab_size = 300

    def encode(self, text):
        return [1 + (ord(c) % 299) for c in text]


encoder = _Encoder()
tf.random.set_seed(0)  # the file shuffles without a seed
_raw = [list(r[r != 0]) for r in syn.padded_ids(6, 12, encoder.vocab_size, min_len=2)]
_labels = syn.binary(6, seed=2)[:, 0]
train_dataset = tf.data.Dataset.from_generator(
    lambda: iter(zip(_raw, _labels)),
    output_signature=(tf.TensorSpec((None,), tf.int32), tf.TensorSpec((), tf.float32)))
test_dataset = train_dataset
# >>>
print('Vocabulary size: {}'.format(encoder.vocab_size))

BUFFER_SIZE = 10000
BATCH_SIZE = 64

train_dataset = train_dataset.shuffle(BUFFER_SIZE)
train_dataset = train_dataset.padded_batch(BATCH_SIZE)
test_dataset = test_dataset.padded_batch(BATCH_SIZE)


def pad_to_size(vec, size):
    zeros = [0] * (size - len(vec))
    vec.extend(zeros)
    return vec


def sample_predict(model, sample_pred_text, pad):
    encoded_sample_pred_text = encoder.encode(sample_pred_text)
    if pad:
        encoded_sample_pred_text = pad_to_size(encoded_sample_pred_text, 64)
    encoded_sample_pred_text = tf.cast(encoded_sample_pred_text, tf.float32)
    predictions = model.predict(tf.expand_dims(encoded_sample_pred_text, 0))
    return predictions


model = tf.keras.Sequential([
    tf.keras.layers.Embedding(encoder.vocab_size, 64),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(64)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(1)
])

model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              optimizer=tf.keras.optimizers.Adam(1e-4),
              metrics=['accuracy'])

# <<< removed: training and the sample prediction
# >>>

# Stack two or more LSTM layers
stacked = tf.keras.Sequential([
    tf.keras.layers.Embedding(encoder.vocab_size, 64, mask_zero=True),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(64, return_sequences=True)),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(32)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(1)
])

stacked.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                optimizer=tf.keras.optimizers.Adam(1e-4),
                metrics=['accuracy'])

# <<< removed: training and evaluation
# >>>
# <<< added: golden data: one batch of the file's own padded_batch pipeline
_x, _y = next(iter(train_dataset))
MASKLENS_DATA = {"model": (_x.numpy(), _y.numpy()), "stacked": (_x.numpy(), _y.numpy())}
# >>>
