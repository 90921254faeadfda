# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the "class MyModel(Model) ... config['vocab_size']" taggers and the config-driven
#   model builders of hyper-parameter search scripts (e.g. GJ98/pytorch-kochatbot, config/NerConfig.py's
#   MODEL dict), here a Sequential from a layer list in a dict.
# Kind: a model built from a config dict: a loop over layer specs with if/elif on a type
#   string, units from the spec, return_sequences computed from the position; the config
#   loaded from JSON in the original; `from tensorflow import keras`.
import json
from tensorflow import keras

with open('config.json') as f:
    CONFIG = json.load(f)


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
