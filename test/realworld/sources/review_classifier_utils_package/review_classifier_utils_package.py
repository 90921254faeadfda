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
from utils.settings import load_settings

settings = load_settings('settings.yaml')

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
