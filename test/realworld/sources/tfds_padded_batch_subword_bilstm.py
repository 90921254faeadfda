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
import tensorflow_datasets as tfds
import tensorflow as tf

dataset, info = tfds.load('imdb_reviews/subwords8k', with_info=True,
                          as_supervised=True)
train_dataset, test_dataset = dataset['train'], dataset['test']

encoder = info.features['text'].encoder
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

history = model.fit(train_dataset, epochs=10,
                    validation_data=test_dataset,
                    validation_steps=30)
print(sample_predict(model, 'The movie was cool.', pad=True))

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

history = stacked.fit(train_dataset, epochs=10,
                      validation_data=test_dataset,
                      validation_steps=30)
test_loss, test_acc = stacked.evaluate(test_dataset)
