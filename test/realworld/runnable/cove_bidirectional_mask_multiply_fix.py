# <<< runnable copy of sources/cove_bidirectional_mask_multiply_fix.py for the goldens: the model code is the corpus file's;
# Replaced: moved Keras 2 imports; removed: loading and saving the pretrained weights.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: markmenezes11/COMPM091, CoVe-ported/port_python3_to_python2.py
#   commit 11b52966dd1e7b5951446a6ec67532aa3ed6ecf0
#   https://github.com/markmenezes11/COMPM091/blob/11b52966dd1e7b5951446a6ec67532aa3ed6ecf0/CoVe-ported/port_python3_to_python2.py
# Kind: the CoVe MT-LSTM ported to Keras: Masking on word vectors, two stacked
#   Bidirectional(LSTM(return_sequences=True)) with names on both wrapper and inner layer; the
#   same model again in the functional API with a hand-made "mask fix": a Lambda computing
#   K.cast(K.any(K.not_equal(x, 0.), axis=-1, keepdims=True)) from the raw input, multiplied
#   into the BiLSTM output with Multiply (a masked and an unmasked input); Keras 2 imports
#   (`from keras.models import Model, Input`, `keras.layers.core`, `keras.backend as K`);
#   the one model name rebound; weights loaded from a file; compiled for a per-step regression;
#   sizes cut tenfold (300-d GloVe vectors and units in the original).
# <<< replaced: keras.models.Input moved -> keras.Input
from keras.models import Sequential, Model
from keras import Input
# >>>
from keras.layers import Dense, Activation, Bidirectional
from keras.layers import LSTM, Multiply, Lambda
# <<< replaced: keras.layers.core moved -> keras.layers
from keras.layers import Masking
# >>>
from keras import backend as K

# the MT-LSTM without the fix for the masking + Bidirectional issue
keras_model = Sequential()
keras_model.add(Masking(mask_value=0., input_shape=(None, 30)))
keras_model.add(Bidirectional(LSTM(30, return_sequences=True, recurrent_activation='sigmoid', name='lstm1'), name='bidir_1'))
keras_model.add(Bidirectional(LSTM(30, return_sequences=True, recurrent_activation='sigmoid', name='lstm2'), name='bidir_2'))

# the MT-LSTM with the short-cut fix
x = Input(shape=(None, 30))
y = Masking(mask_value=0., input_shape=(None, 30))(x)
y = Bidirectional(LSTM(30, return_sequences=True, recurrent_activation='sigmoid', name='lstm1'), name='bidir_1')(y)
y = Bidirectional(LSTM(30, return_sequences=True, recurrent_activation='sigmoid', name='lstm2'), name='bidir_2')(y)

# zero the outputs on padded steps: the backward LSTM's outputs there are not zero
y_rev_mask_fix = Lambda(lambda x: K.cast(K.any(K.not_equal(x, 0.), axis=-1, keepdims=True), K.floatx()))(x)
y = Multiply()([y, y_rev_mask_fix])

keras_model = Model(inputs=x, outputs=y)
keras_model.compile(optimizer='adam', loss='mse')

# <<< removed: pretrained weights and saving
# >>>
print("Done")
# <<< added: golden data: post-padded 30-d word vectors, per-step targets zero on padding
import _synthetic as syn
_x = syn.padded_floats(4, 7, 30, min_len=2)
_y = syn.padded_floats(4, 7, 60, seed=1, min_len=2) * (_x[:, :, :1] != 0)
MASKLENS_DATA = {"keras_model": (_x, _y)}
# >>>
