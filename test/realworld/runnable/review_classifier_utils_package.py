# <<< runnable copy of sources/review_classifier_utils_package.py for the goldens: the model code is the corpus file's;
# Replaced: settings.yaml (read with PyYAML) -> the same settings as a dict. Added: post-padded
# ids and one-hot labels. The utils package is imported as is.
# >>>
# MaskLens real-world corpus -- written for this corpus after public projects, not copied from them.
# Modelled on: classifier repositories that keep their custom Keras layers in a utils package
#   (`from utils.custom_layers import ...`): a layer that removes the mask so that Flatten can
#   follow it (the widespread "NonMasking" layer) and a masked mean pooling layer
# Kind: a project with a utils package, Keras 3 spelling (`import keras`, `keras.ops` in the
#   layers), layers that consume or remove the mask before layers that do not support it.
import numpy as np
import keras
from keras import layers

from utils.custom_layers import NonMasking, MaskedMean
# <<< replaced: the YAML loader (PyYAML is not needed with the settings inline)
# >>>

# <<< replaced: settings.yaml -> its content
settings = {'max_len': 16, 'vocab_size': 1200, 'embedding_dim': 16, 'units': 16, 'num_classes': 4}
# >>>

tokens = keras.Input(shape=(settings['max_len'],), dtype='int32')
x = layers.Embedding(settings['vocab_size'], settings['embedding_dim'], mask_zero=True)(tokens)
x = layers.Bidirectional(layers.GRU(settings['units'], return_sequences=True))(x)

pooled = MaskedMean()(x)

flat = NonMasking()(x)
flat = layers.Flatten()(flat)
flat = layers.Dense(settings['units'], activation='relu')(flat)

x = layers.concatenate([pooled, flat])
outputs = layers.Dense(settings['num_classes'], activation='softmax')(x)

model = keras.Model(tokens, outputs, name='review_classifier')
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# <<< added: golden data
import _synthetic as syn
MASKLENS_DATA = {"model": (syn.padded_ids(4, 16, 1200, min_len=2), syn.one_hot(syn.classes(4, 4), 4))}
# >>>
