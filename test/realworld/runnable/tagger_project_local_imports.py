# <<< runnable copy of sources/tagger_project_local_imports.py for the goldens: the model code is the corpus file's;
# Replaced: data/train.npz -> synthetic post-padded sentences and tags (0 on padding);
# removed: training and saving. The project's modules (config.py, models/) are imported as is.
# >>>
# MaskLens real-world corpus -- written for this corpus after public projects, not copied from them.
# Modelled on: sequence-tagging repositories split into a training script, a config module and a
#   layers package (e.g. the `from config import *` + `models/` layout of many NER projects,
#   public code "from config import * ... def build_model(): Sequential ... Masking" returned by a
#   code search that did not name its repository)
# Kind: a project: `from config import *` constants, a custom layer imported from a package
#   module (`from models.layers import MaskedSelfAttention`), a builder function in the same
#   package (`from models.builder import build_model`) returning a compiled model.
import numpy as np
from config import *
from models.builder import build_model
from models.layers import MaskedSelfAttention

# <<< replaced: data/train.npz -> synthetic sentences
import _synthetic as syn
_x = syn.padded_ids(4, 13, VOCAB_SIZE, min_len=2)
train = {'x': _x, 'y': syn.tag_ids(_x, TAG_SIZE)}
# >>>
model = build_model(VOCAB_SIZE, EMBEDDING_DIM, LSTM_HIDDEN_SIZE, TAG_SIZE)
model.summary()
# <<< removed: training and saving
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (train["x"], train["y"])}
# >>>
