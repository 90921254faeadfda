# <<< runnable copy of sources/cudnn_lstm_try_except_import.py for the goldens: the model code is the corpus file's;
# Replaced: the tokenised comments -> synthetic pre-padded ids and 0/1 labels; removed: training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: Kaggle-era text classifiers that import CuDNNLSTM/CuDNNGRU when available
#   ("try: from keras.layers import CuDNNGRU as GRU except ImportError: ...") and stack
#   Bidirectional GRUs with global average and max pooling concatenated (the "toxic comment"
#   kernels' BiGRU + pooling head). No single source file; public examples of the conditional
#   CuDNN import: xenaritu/Art-using-Deep-Learning, poetry_generation.py,
#   commit 15c093f85017a928132379cdb59099f474eed8cc
# Kind: try/except ImportError choosing the layer class, Bidirectional GRU after a masked
#   Embedding, GlobalAveragePooling1D and GlobalMaxPooling1D of the same masked sequence
#   concatenated, sigmoid multi-label head; SpatialDropout1D.
import numpy as np
from keras.models import Model
from keras.layers import Input, Embedding, Dense, Bidirectional, SpatialDropout1D
from keras.layers import GlobalAveragePooling1D, GlobalMaxPooling1D, concatenate
try:
    from keras.layers import CuDNNGRU as GRU
    print('using the CuDNN kernel')
except ImportError:
    from keras.layers import GRU

max_features = 3000
maxlen = 60
embed_size = 32
LABELS = ['toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate']


def get_model():
    inp = Input(shape=(maxlen, ))
    x = Embedding(max_features, embed_size, mask_zero=True)(inp)
    x = SpatialDropout1D(0.2)(x)
    x = Bidirectional(GRU(40, return_sequences=True))(x)
    avg_pool = GlobalAveragePooling1D()(x)
    max_pool = GlobalMaxPooling1D()(x)
    conc = concatenate([avg_pool, max_pool])
    outp = Dense(len(LABELS), activation="sigmoid")(conc)

    model = Model(inputs=inp, outputs=outp)
    model.compile(loss='binary_crossentropy',
                  optimizer='adam',
                  metrics=['accuracy'])
    return model


model = get_model()
# <<< replaced: the saved arrays -> synthetic ones
import _synthetic as syn
x_train = syn.padded_ids(4, maxlen, max_features, padding='pre', min_len=3)
y_train = syn.uniform((4, len(LABELS))).round()
# >>>
# <<< removed: training
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (x_train, y_train)}
# >>>
