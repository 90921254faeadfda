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

train = np.load(DATA_DIR + '/train.npz')
model = build_model(VOCAB_SIZE, EMBEDDING_DIM, LSTM_HIDDEN_SIZE, TAG_SIZE)
model.summary()
model.fit(train['x'], train['y'], batch_size=BATCH_SIZE, epochs=EPOCHS, validation_split=0.1)
model.save_weights(MODEL_DIR + '/tagger.weights.h5')
