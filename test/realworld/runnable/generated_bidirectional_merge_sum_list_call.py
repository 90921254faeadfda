# <<< runnable copy of sources/generated_bidirectional_merge_sum_list_call.py for the goldens: the model code is the corpus file's;
# Replaced: nothing; added: data.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: Kijuoye/neural-network-modelling-TFG, examples/example_2/src-gen/test_model.py
#   commit 85299b610c6ca5d8bcf46f642ec913a3e213dbb9
#   https://github.com/Kijuoye/neural-network-modelling-TFG/blob/85299b610c6ca5d8bcf46f642ec913a3e213dbb9/examples/example_2/src-gen/test_model.py
#   (Python generated from a model-description language; sizes made small here)
# Kind: generated code: every argument spelled out, `sparse=False` Inputs, a GRU layer object
#   created unattached and wrapped in Bidirectional(merge_mode="sum"), layers called on
#   one-element lists ([embedding,], [bidi,]), a second input branch built and left unused
#   (the generator emits every declared layer), a model with list inputs and outputs; masked
#   embeddings; `from tensorflow import keras`. (The generated file also called Dropout on a
#   list of two tensors, which no Keras accepts; here it takes the Bidirectional output.)
from tensorflow import keras

spanish = keras.Input(shape=(None,), sparse=False)
embedding2 = keras.layers.Embedding(150, 16, embeddings_initializer="random_uniform", mask_zero=True)(spanish)
gru2 = keras.layers.GRU(24, activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros", return_sequences=True)(embedding2)
gru = keras.layers.GRU(24, activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros", return_sequences=False)
english = keras.Input(shape=(None,), sparse=False)
embedding = keras.layers.Embedding(150, 16, embeddings_initializer="random_uniform", mask_zero=True)(english)
bidi = keras.layers.Bidirectional(gru, merge_mode="sum")([embedding,])
dropout = keras.layers.Dropout(0.5)([bidi,])
dense2 = keras.layers.Dense(units=150, activation="softmax", use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros")(dropout)
test_model = keras.Model([english,], [dense2,])
test_model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
# <<< added: golden data: post-padded English and Spanish ids, a target id per Spanish step
import _synthetic as syn
_en = syn.padded_ids(4, 6, 150, min_len=2)
MASKLENS_DATA = {"test_model": ([_en], syn.classes(4, 150))}
# >>>
