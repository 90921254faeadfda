# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the EARShot model class (class Earshot(object) with
#   self.earshot_model = Sequential(); Masking on zero-padded spectrograms; LSTM; Dense)
#   (public code returned by a code search that did not name its repository)
# Kind: a plain Python class holding its model in an attribute built in __init__ from two
#   parameter dicts; Masking(0.) over padded spectrograms; LSTM(return_sequences=True)
#   with a sigmoid Dense per step; `from keras import Sequential`.
from keras import Sequential
from keras.layers import Dense, Masking, LSTM
import numpy as np


class Earshot(object):
    '''
    EARShot model: spectrogram frames in, a semantic vector per frame out.
    '''
    def __init__(self, pattern_parameters, model_parameters):
        self.model_parameters = model_parameters
        self.pattern_parameters = pattern_parameters
        self.earshot_model = Sequential()
        # the spectrograms are zero-padded to the longest pattern
        self.earshot_model.add(Masking(mask_value=0.0,
                                       input_shape=(pattern_parameters['max_frames'],
                                                    pattern_parameters['n_channels'])))
        self.earshot_model.add(LSTM(model_parameters['hidden_size'],
                                    return_sequences=True,
                                    dropout=model_parameters['dropout']))
        self.earshot_model.add(Dense(pattern_parameters['semantic_size'], activation='sigmoid'))
        self.earshot_model.compile(loss=model_parameters['loss'], optimizer=model_parameters['optimizer'])

    def train(self, x, y, epochs):
        return self.earshot_model.fit(x, y, epochs=epochs, batch_size=self.model_parameters['batch_size'])


pattern_parameters = {'max_frames': 30, 'n_channels': 16, 'semantic_size': 20}
model_parameters = {'hidden_size': 64, 'dropout': 0.1, 'loss': 'binary_crossentropy', 'optimizer': 'adam', 'batch_size': 32}

earshot = Earshot(pattern_parameters, model_parameters)
spectrograms = np.load('spectrograms.npy')
targets = np.load('semantics.npy')
earshot.train(spectrograms, targets, epochs=100)
