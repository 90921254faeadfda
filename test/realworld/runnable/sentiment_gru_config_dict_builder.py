# <<< runnable copy of sources/sentiment_gru_config_dict_builder.py for the goldens: the model code is the corpus file's;
# Replaced: config.json -> the same settings as a dict literal. Added: post-padded ids and
# class labels.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the "class MyModel(Model) ... config['vocab_size']" taggers and the config-driven
#   model builders of hyper-parameter search scripts (e.g. GJ98/pytorch-kochatbot, config/NerConfig.py's
#   MODEL dict), here a Sequential from a layer list in a dict.
# Kind: a model built from a config dict: a loop over layer specs with if/elif on a type
#   string, units from the spec, return_sequences computed from the position; the config
#   loaded from JSON in the original; `from tensorflow import keras`.
import json
from tensorflow import keras

# <<< replaced: config.json -> its content
CONFIG = {'name': 'sentiment', 'vocab_size': 2000, 'embedding_dim': 24, 'mask_padding': True,
          'layers': [{'type': 'gru', 'units': 32}, {'type': 'dropout', 'rate': 0.3}, {'type': 'gru', 'units': 16},
                     {'type': 'dense', 'units': 16, 'activation': 'relu'}, {'type': 'dense', 'units': 3, 'activation': 'softmax'}],
          'optimizer': 'adam', 'loss': 'sparse_categorical_crossentropy'}
# >>>


def build_from_config(cfg):
    model = keras.Sequential(name=cfg.get('name', 'sentiment'))
    model.add(keras.layers.Embedding(cfg['vocab_size'], cfg['embedding_dim'], mask_zero=cfg.get('mask_padding', True)))
    rnn_specs = [spec for spec in cfg['layers'] if spec['type'] in ('gru', 'lstm')]
    for i, spec in enumerate(cfg['layers']):
        if spec['type'] == 'gru':
            keep = spec is not rnn_specs[-1]
            model.add(keras.layers.GRU(spec['units'], return_sequences=keep))
        elif spec['type'] == 'lstm':
            keep = spec is not rnn_specs[-1]
            model.add(keras.layers.LSTM(spec['units'], return_sequences=keep))
        elif spec['type'] == 'dropout':
            model.add(keras.layers.Dropout(spec['rate']))
        elif spec['type'] == 'dense':
            model.add(keras.layers.Dense(spec['units'], activation=spec.get('activation')))
    model.compile(optimizer=cfg['optimizer'], loss=cfg['loss'], metrics=['accuracy'])
    return model


model = build_from_config(CONFIG)
# <<< added: golden data
import _synthetic as syn
MASKLENS_DATA = {"model": (syn.padded_ids(4, 14, 2000, min_len=2), syn.classes(4, 3))}
# >>>
