# <<< runnable copy of sources/chatbot_pairs_zip_unpack.py for the goldens: the model code is the corpus file's;
# Replaced: intents.json -> a small intents list, and the shuffle made deterministic;
# removed: training and saving.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: beginner chatbot / intent scripts that read (pattern, tag) pairs from an
#   intents.json and unpack them with zip(*...) (the "a, b = zip(*pairs)" idiom of the
#   issue), e.g. the Packt "Deep Learning with TensorFlow and Keras" chapter-5 read_treebank
#   (`sentence, pos_tag = map(list, zip(*sentence))`). A public example of the kind:
#   BossLu93/AI-Voice-Assistant-Pro, Plugins/model_training.py, commit 4adc0d051d65446d2cae4da1bac6bdf8f27b5642
# Kind: everyday Python around the model: zip(*pairs), sorted(set(...)), dict comprehensions,
#   len() of a list as the vocabulary size; a Sequential with a masked Embedding, an LSTM and
#   a softmax; `tf.keras.preprocessing.text.Tokenizer`.
import json
import random
import numpy as np
import tensorflow as tf

# <<< replaced: intents.json -> its kind of content
random.seed(0)
intents = [{'tag': 'greeting', 'patterns': ['Hi there', 'Hello', 'Good morning to you all']},
           {'tag': 'goodbye', 'patterns': ['Bye', 'See you later my friend']},
           {'tag': 'hours', 'patterns': ['When are you open', 'What are your opening hours today']}]
# >>>

pairs = [(pattern.lower(), intent['tag']) for intent in intents for pattern in intent['patterns']]
random.shuffle(pairs)
texts, tags = zip(*pairs)
labels = sorted(set(tags))
label_index = {label: i for i, label in enumerate(labels)}

tokenizer = tf.keras.preprocessing.text.Tokenizer(oov_token='<OOV>')
tokenizer.fit_on_texts(texts)
sequences = tokenizer.texts_to_sequences(texts)
max_len = max(len(s) for s in sequences)
x = tf.keras.preprocessing.sequence.pad_sequences(sequences, maxlen=max_len, padding='post')
y = np.array([label_index[t] for t in tags])
vocab_size = len(tokenizer.word_index) + 1

model = tf.keras.models.Sequential([
    tf.keras.layers.Embedding(vocab_size, 16, input_length=max_len, mask_zero=True),
    tf.keras.layers.LSTM(16),
    tf.keras.layers.Dense(16, activation='relu'),
    tf.keras.layers.Dense(len(labels), activation='softmax'),
])
model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
# <<< removed: training and saving
# >>>
# <<< added: golden data: the file's own padded arrays
MASKLENS_DATA = {"model": (x, y)}
# >>>
