# <<< runnable copy of sources/text_rnn_tf_tutorial_notebook.py for the goldens: the model code is the corpus file's;
# Replaced: tensorflow_datasets' IMDB download -> eight short synthetic reviews; matplotlib not
# imported (plots removed); training and evaluation removed.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: tensorflow/text, docs/tutorials/text_classification_rnn.ipynb (code cells in order)
#   commit a2feab1cb3f30dedaf57797faf74eaebed30f405 (Apache-2.0)
#   https://github.com/tensorflow/text/blob/a2feab1cb3f30dedaf57797faf74eaebed30f405/docs/tutorials/text_classification_rnn.ipynb
# Kind: notebook code cells; a TextVectorization layer inside the model feeds
#   Embedding(len(encoder.get_vocabulary()), ..., mask_zero=True) (its vocabulary holds index 0);
#   two Sequential models (one and two Bidirectional LSTMs); a Loss object with from_logits.
# !pip install -q tensorflow_datasets
import numpy as np

# <<< removed: tensorflow_datasets (its download is replaced)
# >>>
import tensorflow as tf

# <<< removed: tensorflow_datasets
# >>>

# <<< replaced: matplotlib (plots removed)
# >>>


def plot_graphs(history, metric):
  plt.plot(history.history[metric])
  plt.plot(history.history['val_'+metric], '')
  plt.xlabel("Epochs")
  plt.ylabel(metric)
  plt.legend([metric, 'val_'+metric])


# <<< replaced: IMDB download -> synthetic reviews of varied length
_rng = np.random.default_rng(0)
_words = ['good', 'bad', 'film', 'plot', 'actor', 'boring', 'great', 'the', 'a', 'story', 'music', 'slow']
_texts = np.array([' '.join(_rng.choice(_words, size=n)) for n in (12, 2, 7, 9, 4, 11, 6, 3)])
_labels = _rng.integers(0, 2, size=8).astype('int64')
train_dataset = tf.data.Dataset.from_tensor_slices((_texts, _labels))
test_dataset = train_dataset
# >>>

BUFFER_SIZE = 10000
BATCH_SIZE = 64

train_dataset = train_dataset.shuffle(BUFFER_SIZE).batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)
test_dataset = test_dataset.batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)

VOCAB_SIZE = 1000
encoder = tf.keras.layers.TextVectorization(
    max_tokens=VOCAB_SIZE)
encoder.adapt(train_dataset.map(lambda text, label: text))

vocab = np.array(encoder.get_vocabulary())
vocab[:20]

model = tf.keras.Sequential([
    encoder,
    tf.keras.layers.Embedding(
        input_dim=len(encoder.get_vocabulary()),
        output_dim=64,
        # Use masking to handle the variable sequence lengths
        mask_zero=True),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(64)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(1)
])

print([layer.supports_masking for layer in model.layers])

model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              optimizer=tf.keras.optimizers.Adam(1e-4),
              metrics=['accuracy'])

# <<< removed: training and evaluation
# >>>

model = tf.keras.Sequential([
    encoder,
    tf.keras.layers.Embedding(len(encoder.get_vocabulary()), 64, mask_zero=True),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(64,  return_sequences=True)),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(32)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(1)
])

model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              optimizer=tf.keras.optimizers.Adam(1e-4),
              metrics=['accuracy'])

# <<< removed: training and plots
# >>>
# <<< added: golden data: the reviews as strings (the model's TextVectorization reads text)
MASKLENS_DATA = {"model": (_texts[:, None], _labels[:, None].astype('float32'))}
# >>>
