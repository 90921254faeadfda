# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: logicthinkedu/my_home_assignment1, ner_model.py
#   commit a6d609cafc6034a9371449ae7092754289a8ffc4
#   https://github.com/logicthinkedu/my_home_assignment1/blob/a6d609cafc6034a9371449ae7092754289a8ffc4/ner_model.py
# Kind: Sequential chunker with keras_contrib's CRF as last layer (its loss and metric passed to
#   compile), vocabulary and tag list from a project module (`import process_data`).
from keras.models import Sequential
from keras.layers import Embedding, Bidirectional, LSTM
from keras_contrib.layers import CRF
import process_data
import pickle

EMBED_DIM = 100
BiRNN_UNITS = 200


def create_model(train=True):
    if train:
        (train_x, train_y), (test_x, test_y), (vocab, chunk_tags) = process_data.load_data()
    else:
        with open('model/config.pkl', 'rb') as inp:
            (vocab, chunk_tags) = pickle.load(inp)
    model = Sequential()
    model.add(Embedding(len(vocab), EMBED_DIM, mask_zero=True))  # Random embedding
    model.add(Bidirectional(LSTM(BiRNN_UNITS // 2, return_sequences=True)))
    crf = CRF(len(chunk_tags), sparse_target=True)
    model.add(crf)
    model.summary()
    model.compile('adam', loss=crf.loss_function, metrics=[crf.accuracy])
    if train:
        return model, (train_x, train_y), (test_x, test_y)
    else:
        return model, (vocab, chunk_tags)


if __name__ == '__main__':
    model, (train_x, train_y), (test_x, test_y) = create_model()
    model.fit(train_x, train_y, batch_size=16, epochs=10, validation_data=[test_x, test_y])
    model.save('model/crf.h5')
