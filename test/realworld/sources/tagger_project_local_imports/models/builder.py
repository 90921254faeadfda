# Project module of the corpus entry tagger_project_local_imports (written for the corpus).
from tensorflow.keras.layers import Embedding, LSTM, Bidirectional, Dense, Dropout
from tensorflow.keras.models import Sequential

from config import DROPOUT_RATE
from .layers import MaskedSelfAttention


def build_model(vocab_size, embedding_dim, lstm_hidden_size, tag_size):
    model = Sequential()
    model.add(Embedding(input_dim=vocab_size, output_dim=embedding_dim, mask_zero=True))
    model.add(Bidirectional(LSTM(lstm_hidden_size, return_sequences=True)))
    model.add(Dropout(DROPOUT_RATE))
    model.add(MaskedSelfAttention(lstm_hidden_size))
    model.add(Dense(tag_size, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
