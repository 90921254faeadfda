"""Numeric golden cases.  Every case is (builder, data, loss); builders receive the
family's Keras module ``K`` (keras for keras3, tf_keras for tf-keras2) so one
definition serves both families.  Data is numpy with fixed seeds (family independent)."""
import os
import runpy
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from runtime_data import (SEED2_N, float_data, nan_input_data, pad_targets, padded_tokens, seed001_data, seed002_data,
                          targets, token_data, two_input_data)

FAMILIES = ("keras3", "tf-keras2")


@dataclass
class Case:
    name: str
    about: str
    build: object                 # K -> model
    data: object                  # () -> (x, y, sample_weight or None)
    loss: str                     # Keras loss name (string) or Loss class name
    loss_kwargs: dict = field(default_factory=dict)
    checks: tuple = ()            # names in runtime_checks.CHECKS
    stochastic: tuple = ()        # layers whose training-mode output is random
    families: tuple = FAMILIES
    expected_errors: dict = field(default_factory=dict)  # family -> exception type Keras is known to raise
    seed: int = 0
    output: object = None         # multi-output models: the index whose loss term is recorded; data() gives one y per output
    other_losses: tuple = ()      # multi-output models: compile()'s loss list (the recorded output's entry is `loss`)
    metrics: tuple = ()           # compile(metrics=...): names or () -> metric objects
    weighted_metrics: tuple = ()  # compile(weighted_metrics=...)
    source: object = None         # (corpus file stem, model variable): the model a golden corpus file builds, read by MaskLens from that file
    class_weight: dict = None     # fit(class_weight=...) for the training steps: {class id: weight}
    compiled_metrics: bool = False  # metrics= / weighted_metrics= are those the corpus file compiles the model with (the user's own)
    fit_epochs: int = 0           # > 0: also fit() this many epochs (SGD, one batch, no shuffling) and record History's losses


# ---------------------------------------------------------------- seed models (verbatim)
def build_seed001(K, head):
    x = K.layers.Input(shape=(4,))
    e = K.layers.Embedding(5, 5, mask_zero=True)(x)
    if head == "none":
        out = e
    elif head == "lstm":
        out = K.layers.LSTM(3, return_sequences=True)(e)
    else:
        out = K.layers.Dense(3)(e)
    return K.models.Model(inputs=x, outputs=out)


def build_seed002(K, timesteps, features, with_mask):
    N = SEED2_N
    masking_func = lambda inputs, previous_mask: previous_mask[:, N:]  # noqa: E731
    model = K.Sequential()
    model.add(K.layers.Masking(mask_value=0., input_shape=(timesteps, features)))
    model.add(K.layers.LSTM(128, return_sequences=True))
    model.add(K.layers.LSTM(64, return_sequences=True))
    model.add(K.layers.LSTM(1, return_sequences=True))
    if with_mask:
        model.add(K.layers.Lambda(lambda x: x[:, N:, :], mask=masking_func))
    else:
        model.add(K.layers.Lambda(lambda x: x[:, N:, :]))
    return model


def build_nan_masking(K, timesteps, features):
    model = K.Sequential()
    model.add(K.layers.Masking(mask_value=np.nan, input_shape=(timesteps, features)))
    model.add(K.layers.LSTM(16, return_sequences=True))
    model.add(K.layers.LSTM(1, return_sequences=True))
    return model


def build_seed000(K, timesteps, features, rate=0.5):
    model = K.Sequential()
    model.add(K.layers.Masking(mask_value=0., input_shape=(timesteps, features)))
    model.add(K.layers.LSTM(units=100, return_sequences=True, input_shape=(timesteps, features)))
    model.add(K.layers.Dropout(rate))
    model.add(K.layers.Dense(1, activation='sigmoid'))
    return model


# ---------------------------------------------------------------- generic small models
def seq(K, first, *rest):
    return K.Sequential([first] + list(rest))


def masked_rnn(K, rnn, head=1, head_act=None, mask_value=0.0, features=3, timesteps=6, extra=None):
    L = K.layers
    return seq(K, L.Input(shape=(timesteps, features)), L.Masking(mask_value=mask_value), *(extra(L) if extra else ()),
               rnn(L), L.Dense(head, activation=head_act))


def token_rnn(K, head, head_act=None, rnn=lambda L: L.LSTM(5, return_sequences=True), vocab=6, timesteps=6):
    L = K.layers
    return seq(K, L.Input(shape=(timesteps,)), L.Embedding(vocab, 4, mask_zero=True), rnn(L),
               L.Dense(head, activation=head_act))


def build_two_input_add(K):
    L = K.layers
    a, b = L.Input(shape=(6,)), L.Input(shape=(6,))
    ea = L.Embedding(6, 4, mask_zero=True)(a)
    eb = L.Embedding(6, 4, mask_zero=True)(b)
    h = L.LSTM(3, return_sequences=True)(L.Add()([ea, eb]))
    return K.Model([a, b], L.Dense(1)(h))


def build_add_one_mask(K):
    L = K.layers
    a, b = L.Input(shape=(6,)), L.Input(shape=(6,))
    ea = L.Embedding(6, 4, mask_zero=True)(a)
    eb = L.Embedding(6, 4)(b)                      # no mask on this branch
    h = L.LSTM(3, return_sequences=True)(L.Add()([ea, eb]))
    return K.Model([a, b], L.Dense(1)(h))


def build_dot_scores(K, normalize):
    # A memory-network match: scores of every step of one sequence against every step of the
    # other (batch_dot over the features), which carry no mask (Dot.compute_mask returns None).
    L = K.layers
    a, b = L.Input(shape=(6,)), L.Input(shape=(6,))
    ea = L.Embedding(6, 4, mask_zero=True)(a)
    eb = L.Embedding(6, 4, mask_zero=True)(b)
    scores = L.dot([ea, eb], axes=(2, 2), normalize=normalize) if not normalize else L.Dot(axes=-1, normalize=True)([ea, eb])
    h = L.LSTM(3, return_sequences=True)(scores)
    return K.Model([a, b], L.Dense(1)(h))


def build_explicit_mask(K, how):
    # A mask made by hand from the token ids and passed to the recurrent layers with mask=, over
    # an Embedding that makes none: tf.keras wraps tf.math.not_equal in a TFOpLambda layer,
    # Keras 3 records keras.ops.not_equal as an operation (a TensorFlow function raises there).
    L = K.layers
    inp = L.Input(shape=(6,), dtype="int32")
    if how == "tf":
        import tensorflow as tf
        mask = tf.math.not_equal(inp, 0)
    else:
        mask = K.ops.not_equal(inp, 0)
    x = L.Embedding(6, 4)(inp)
    x = L.GRU(3, return_sequences=True)(x, mask=mask)
    return K.Model(inp, L.Dense(2)(x))


def build_mha_residual(K):
    L = K.layers
    inp = L.Input(shape=(6,))
    x = L.Embedding(6, 4, mask_zero=True)(inp)
    att = L.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
    return K.Model(inp, L.Dense(1)(L.Add()([x, att])))


def build_gap(K):
    L = K.layers
    return seq(K, L.Input(shape=(6,)), L.Embedding(6, 4, mask_zero=True), L.GlobalAveragePooling1D(),
               L.Dense(1, activation="sigmoid"))


def build_conv(K):
    L = K.layers
    return seq(K, L.Input(shape=(6,)), L.Embedding(6, 4, mask_zero=True),
               L.Conv1D(4, 3, padding="same"), L.Dense(1))


LENS = [6, 4, 2]
CASES = [
    Case("seed001_embedding_predict", "seed 001: Embedding(5,5,mask_zero=True) on [[1,2,0,0]]; mse vs targets added for a loss",
         partial(build_seed001, head="none"), seed001_data([[1, 2, 0, 0]], targets((1, 4, 5), 1)), "mse",
         checks=("embedding_mask_is_input_nonzero", "embedding_output_not_zeroed", "evaluate_is_valid_mean")),
    Case("seed001_embedding_lstm", "seed 001: Embedding(5,5,mask_zero=True) -> LSTM(3, return_sequences=True) on [[1,0,2,0]]",
         partial(build_seed001, head="lstm"), seed001_data([[1, 0, 2, 0]], targets((1, 4, 3), 2)), "mse",
         checks=("embedding_mask_is_input_nonzero", "lstm_masked_step_repeats_previous", "evaluate_is_valid_mean")),
    Case("seed001_embedding_dense_mse", "seed 001: Embedding -> Dense(3), mse, [[1,2,0,0]] vs arange(12).reshape(1,4,3)",
         partial(build_seed001, head="dense"), seed001_data([[1, 2, 0, 0]], np.arange(12).reshape(1, 4, 3).astype("float32")),
         "mse", checks=("embedding_mask_is_input_nonzero", "evaluate_is_mse_of_first_two_steps")),
    Case("seed002_lambda_drops_mask", "seed 002: Masking -> LSTM 128/64/1 -> Lambda(x[:, N:, :]) without mask= (8x40x24)",
         partial(build_seed002, timesteps=40, features=24, with_mask=False), seed002_data(8, 40, 24, 2), "mae",
         checks=("output_mask_is_none", "evaluate_is_unmasked_mean")),
    Case("seed002_lambda_with_mask", "seed 002 answer: Lambda(..., mask=lambda inputs, previous_mask: previous_mask[:, N:]) (8x40x24)",
         partial(build_seed002, timesteps=40, features=24, with_mask=True), seed002_data(8, 40, 24, 2), "mae",
         checks=("masking_zeroes_masked_steps", "lstm_masked_step_repeats_previous", "evaluate_is_valid_mean")),
    Case("seed002_lambda_with_mask_fullshape", "seed 002 answer at the seed's real shape (100x362x24)",
         partial(build_seed002, timesteps=362, features=24, with_mask=True), seed002_data(100, 362, 24, 3), "mae",
         checks=("evaluate_is_valid_mean",)),
    Case("seed002_nan_padding", "seed 002: targets padded with NaN -> masked loss is still NaN (0 * nan = nan)",
         partial(build_seed002, timesteps=40, features=24, with_mask=True), seed002_data(8, 40, 24, 2, nan_targets=True), "mae",
         checks=("evaluate_is_nan",)),
    Case("seed002_nan_inputs_masking_nan", "seed 002 variant: inputs padded with NaN and Masking(mask_value=np.nan): nan != nan, nothing is masked",
         partial(build_nan_masking, timesteps=10, features=4), nan_input_data, "mae",
         checks=("masking_masks_nothing", "evaluate_is_nan")),
    Case("seed000_masking_lstm_dropout", "seeds 000/003: Masking -> LSTM(100, return_sequences) -> Dropout(0.5) -> Dense(1, sigmoid)",
         partial(build_seed000, timesteps=8, features=3), float_data([8, 5, 3, 7], timesteps=8, y_kind="binary", seed=3),
         "binary_crossentropy", checks=("masking_zeroes_masked_steps", "evaluate_is_valid_mean"), stochastic=("dropout",)),
    # Keras' training step through Dropout(0.5) is random, so the one-step weight check runs on
    # the same architecture with Dropout(0.0), which Keras applies as the identity.
    Case("seed000_masking_lstm_dropout_zero", "seeds 000/003 architecture with Dropout(0.0): a deterministic training step",
         partial(build_seed000, timesteps=8, features=3, rate=0.0), float_data([8, 5, 3, 7], timesteps=8, y_kind="binary", seed=3),
         "binary_crossentropy", checks=("masking_zeroes_masked_steps", "evaluate_is_valid_mean")),
    Case("gru_masking", "Masking -> GRU(4, return_sequences) -> Dense(2)",
         partial(masked_rnn, rnn=lambda L: L.GRU(4, return_sequences=True), head=2), float_data(LENS, y_shape=(3, 6, 2), seed=4),
         "mse", checks=("evaluate_is_valid_mean",)),
    Case("simplernn_masking", "Masking -> SimpleRNN(4, return_sequences) -> Dense(1), mae",
         partial(masked_rnn, rnn=lambda L: L.SimpleRNN(4, return_sequences=True)), float_data(LENS, seed=5), "mae",
         checks=("evaluate_is_valid_mean",)),
    Case("bidirectional_lstm", "Embedding(mask_zero) -> Bidirectional(LSTM(3, return_sequences)) -> Dense(2)",
         partial(token_rnn, head=2, rnn=lambda L: L.Bidirectional(L.LSTM(3, return_sequences=True))), token_data(LENS, 2, seed=6),
         "mse", checks=("evaluate_is_valid_mean",)),
    Case("timedistributed_dense", "Masking -> TimeDistributed(Dense(3))",
         lambda K: seq(K, K.layers.Input(shape=(6, 3)), K.layers.Masking(), K.layers.TimeDistributed(K.layers.Dense(3))),
         float_data(LENS, y_shape=(3, 6, 3), seed=7), "mse", checks=("evaluate_is_valid_mean",)),
    Case("prepadding_lstm", "pre-padded sequences: Masking -> LSTM(4, return_sequences) -> Dense(1)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(4, return_sequences=True)), float_data(LENS, seed=8, pre=True), "mse",
         checks=("evaluate_is_valid_mean",)),
    Case("go_backwards_lstm_last_output", "Masking -> LSTM(4, go_backwards) (its last output: the first valid step's) -> Dense(2)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(4, go_backwards=True), head=2), float_data(LENS, y_shape=(3, 2), seed=31), "mse",
         checks=("output_mask_is_none",)),
    Case("go_backwards_gru_prepadded", "pre-padded: Masking -> GRU(4, go_backwards) -> Dense(2)",
         partial(masked_rnn, rnn=lambda L: L.GRU(4, go_backwards=True), head=2), float_data(LENS, y_shape=(3, 2), seed=32, pre=True),
         "mse", checks=("output_mask_is_none",)),
    Case("go_backwards_lstm_sequences", "Masking -> LSTM(4, go_backwards, return_sequences) (outputs in reversed order, the mask not) -> Dense(2)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(4, go_backwards=True, return_sequences=True), head=2),
         float_data(LENS, y_shape=(3, 6, 2), seed=33), "mse", checks=("evaluate_is_valid_mean",)),
    Case("lstm_last_output", "Masking -> LSTM(4) (return_sequences=False consumes the mask) -> Dense(2)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(4), head=2), float_data(LENS, y_shape=(3, 2), seed=9), "mse",
         checks=("output_mask_is_none", "evaluate_is_unmasked_mean")),
    Case("global_average_pooling_masked", "Embedding(mask_zero) -> GlobalAveragePooling1D (mask-aware mean) -> Dense(1, sigmoid)",
         build_gap, token_data(LENS, 1, y_kind="binary", seed=10, y_shape=(3, 1)), "binary_crossentropy",
         checks=("output_mask_is_none",)),
    Case("merge_add_two_masks", "two Embedding(mask_zero) inputs -> Add (masks combined) -> LSTM(3) -> Dense(1)",
         build_two_input_add, two_input_data, "mse", checks=("evaluate_is_valid_mean",)),
    Case("merge_add_one_mask", "Add of a masked (Embedding mask_zero) and an unmasked branch -> LSTM(3) -> Dense(1)",
         build_add_one_mask, two_input_data, "mse"),
    Case("dot_scores", "two Embedding(mask_zero) inputs -> dot(axes=(2, 2)) (no mask out) -> LSTM(3) -> Dense(1)",
         partial(build_dot_scores, normalize=False), two_input_data, "mse", checks=("output_mask_is_none",)),
    Case("dot_cosine", "two Embedding(mask_zero) inputs -> Dot(axes=-1, normalize=True) (cosine scores, no mask out) -> LSTM(3) -> Dense(1)",
         partial(build_dot_scores, normalize=True), two_input_data, "mse", checks=("output_mask_is_none",)),
    Case("explicit_mask_tf_op", "Embedding (no mask) -> GRU(3, return_sequences)(x, mask=tf.math.not_equal(ids, 0)) (a TFOpLambda) -> Dense(2)",
         partial(build_explicit_mask, how="tf"), token_data(LENS, 2, seed=23), "mse", families=("tf-keras2",),
         checks=("evaluate_is_valid_mean",)),
    Case("explicit_mask_keras_op", "Embedding (no mask) -> GRU(3, return_sequences)(x, mask=keras.ops.not_equal(ids, 0)) -> Dense(2)",
         partial(build_explicit_mask, how="keras"), token_data(LENS, 2, seed=23), "mse", families=("keras3",),
         checks=("evaluate_is_valid_mean",)),
    Case("mha_residual_mask", "Embedding(mask_zero) -> MultiHeadAttention(x, x) -> Add([x, att]) -> Dense(1)",
         build_mha_residual, token_data(LENS, 1, seed=18), "mse"),
    Case("batchnorm_masked", "Masking -> BatchNormalization (uses the mask for batch moments when training) -> LSTM(3) -> Dense(1)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(3, return_sequences=True), extra=lambda L: [L.BatchNormalization()]), float_data(LENS, seed=11), "mse",
         checks=("evaluate_is_valid_mean",)),
    # GaussianDropout supports masking in both families (the mask reaches the loss); it is random
    # only in training, so the recorded forward pass and evaluate are deterministic.
    Case("gaussian_dropout_masked", "Masking -> GaussianDropout(0.3) -> LSTM(4, return_sequences) -> Dense(1)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(4, return_sequences=True), extra=lambda L: [L.GaussianDropout(0.3)]), float_data(LENS, seed=19), "mse",
         checks=("masking_zeroes_masked_steps", "evaluate_is_valid_mean"), stochastic=("gaussian_dropout",)),
    Case("conv1d_drops_mask", "Embedding(mask_zero) -> Conv1D (does not support masking) -> Dense(1)",
         build_conv, token_data(LENS, 1, seed=12), "mse", checks=("output_mask_is_none", "evaluate_is_unmasked_mean")),
    Case("all_masked_row", "Masking -> LSTM(3) -> Dense(1) with one sample fully padded",
         partial(masked_rnn, rnn=lambda L: L.LSTM(3, return_sequences=True)), float_data([6, 0, 3], seed=13), "mse",
         checks=("evaluate_is_valid_mean",)),
    Case("masking_value_minus_one", "Masking(mask_value=-1.0) -> SimpleRNN(3) -> Dense(1)",
         partial(masked_rnn, rnn=lambda L: L.SimpleRNN(3, return_sequences=True), mask_value=-1.0),
         float_data(LENS, seed=14, pad=-1.0), "mse", checks=("masking_zeroes_masked_steps", "evaluate_is_valid_mean")),
    Case("sample_weight_mse", "Masking -> LSTM(3) -> Dense(1), mse, per-sample weights of shape (4,): [1, 0.5, 2, 0]",
         partial(masked_rnn, rnn=lambda L: L.LSTM(3, return_sequences=True)),
         float_data([6, 4, 2, 5], seed=15, sw=[1.0, 0.5, 2.0, 0.0]), "mse", expected_errors={"keras3": "ValueError"}),
    Case("sample_weight_mse_column", "as sample_weight_mse with the per-sample weights shaped (4, 1)",
         partial(masked_rnn, rnn=lambda L: L.LSTM(3, return_sequences=True)),
         float_data([6, 4, 2, 5], seed=15, sw=[[1.0], [0.5], [2.0], [0.0]]), "mse"),
    Case("sample_weight_bce", "Embedding(mask_zero) -> GRU(3) -> Dense(1, sigmoid), bce, per-sample weights (3, 1): [2, 1, 0.5]",
         partial(token_rnn, head=1, head_act="sigmoid", rnn=lambda L: L.GRU(3, return_sequences=True)),
         token_data(LENS, 1, y_kind="binary", seed=16, sw=[[2.0], [1.0], [0.5]]), "binary_crossentropy"),
    Case("sample_weight_temporal", "Masking -> GRU(3) -> Dense(1), mse, per-timestep weights (3, 6)",
         partial(masked_rnn, rnn=lambda L: L.GRU(3, return_sequences=True)),
         float_data(LENS, seed=17, sw=np.linspace(0.25, 1.5, 18).reshape(3, 6).tolist()), "mse"),
]

# Every loss on the same masked sequence model: Embedding(mask_zero) -> LSTM(5) -> Dense(C, act).
LOSSES = [
    ("mse", {}, 2, None, "normal"), ("mae", {}, 2, None, "normal"), ("mape", {}, 2, None, "positive"),
    ("msle", {}, 2, "softplus", "positive"), ("huber", {}, 2, None, "normal"),
    ("binary_crossentropy", {}, 1, "sigmoid", "binary"), ("categorical_crossentropy", {}, 3, "softmax", "onehot"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, 3, None, "classes"),
    ("kl_divergence", {}, 3, "softmax", "probs"), ("poisson", {}, 2, "softplus", "positive"),
    ("cosine_similarity", {}, 3, None, "normal"),
]
for i, (loss, kw, head, act, kind) in enumerate(LOSSES):
    label = "sparse_categorical_crossentropy_logits" if kw else loss
    y_shape = (3, 6) if kind == "classes" else None
    CASES.append(Case(f"loss_{label}", f"every loss: {loss}{kw or ''} on Embedding(mask_zero) -> LSTM(5) -> Dense({head}, {act})",
                      partial(token_rnn, head=head, head_act=act), token_data(LENS, head, y_kind=kind, seed=30 + i, y_shape=y_shape),
                      loss, kw, checks=("evaluate_is_valid_mean",)))



# ---------------------------------------------------------------- models inside models, several outputs
def build_nested_sequential(K):
    L = K.layers
    encoder = K.Sequential([L.Input(shape=(6,)), L.Embedding(6, 4, mask_zero=True), L.LSTM(5, return_sequences=True)], name="encoder")
    inp = L.Input(shape=(6,))
    return K.Model(inp, L.TimeDistributed(L.Dense(2))(encoder(inp)))


def build_nested_shared_functional(K):
    L = K.layers
    tok = L.Input(shape=(6,))
    encoder = K.Model(tok, L.GRU(3, return_sequences=True)(L.Embedding(6, 4, mask_zero=True)(tok)), name="shared_encoder")
    a, b = L.Input(shape=(6,)), L.Input(shape=(6,))
    return K.Model([a, b], L.Dense(1)(L.Average()([encoder(a), encoder(b)])))


def build_two_outputs(K):
    L = K.layers
    inp = L.Input(shape=(6,), name="tokens")
    h = L.LSTM(5, return_sequences=True)(L.Embedding(6, 4, mask_zero=True)(inp))
    tags = L.Dense(3, activation="softmax", name="tags")(h)
    label = L.Dense(1, activation="sigmoid", name="label")(L.GlobalAveragePooling1D()(h))
    return K.Model(inputs=inp, outputs=[tags, label])


TWO_OUTPUT_LOSSES = ("sparse_categorical_crossentropy", "binary_crossentropy")


def two_output_data():
    x = padded_tokens(LENS, 6, 6, seed=41)
    tags = targets((3, 6), 41, "classes")
    label = targets((3, 1), 42, "binary")
    return x, [tags, label], None


def build_return_state(K):
    L = K.layers
    inp = L.Input(shape=(6,))
    seq_out, h, c = L.LSTM(3, return_sequences=True, return_state=True)(L.Embedding(6, 4, mask_zero=True)(inp))
    return K.Model(inp, [L.Dense(1, name="per_step")(seq_out), L.Dense(1, name="from_states")(L.concatenate([h, c]))])


def return_state_data():
    x = padded_tokens(LENS, 6, 6, seed=44)
    return x, [targets((3, 6, 1), 44), targets((3, 1), 45)], None


CASES += [
    Case("lstm_return_state_states", "LSTM(return_sequences, return_state): Dense on concat(h, c), the final states carried past masked steps",
         build_return_state, return_state_data, "mse", output=1, other_losses=("mse", "mse")),
    Case("nested_sequential_encoder", "a Sequential encoder (Embedding(mask_zero) -> LSTM) called inside a functional model -> TimeDistributed(Dense(2))",
         build_nested_sequential, token_data(LENS, 2, seed=43), "mse", checks=("evaluate_is_valid_mean",)),
    Case("nested_shared_functional", "one functional encoder (Embedding(mask_zero) -> GRU) shared by two inputs, Average, Dense(1)",
         build_nested_shared_functional, two_input_data, "mse", checks=("evaluate_is_valid_mean",)),
    Case("two_outputs_tags", "two outputs: per-timestep tags (softmax, sparse crossentropy, masked) and a sequence label; the tags term",
         build_two_outputs, two_output_data, "sparse_categorical_crossentropy", output=0, other_losses=TWO_OUTPUT_LOSSES),
    Case("two_outputs_label", "two outputs: the label term (after GlobalAveragePooling1D consumed the mask)",
         build_two_outputs, two_output_data, "binary_crossentropy", output=1, other_losses=TWO_OUTPUT_LOSSES),
]


# ---------------------------------------------------------------- encoder-decoders: an RNN started from given states
def build_encoder_decoder(K, cell, dec_pre):
    """Encoder's final states (carried past its padding) start the decoder: `initial_state=`."""
    L = K.layers
    rnn = getattr(L, cell)
    enc_in, dec_in = L.Input(shape=(7,)), L.Input(shape=(6,))
    enc = rnn(4, return_state=True)(L.Embedding(8, 5, mask_zero=True)(enc_in))
    states = enc[1:]
    dec_emb = L.Embedding(6, 5, mask_zero=True)(dec_in)
    seq = rnn(4, return_sequences=True)(dec_emb, initial_state=states if cell == "LSTM" else states[0])
    return K.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(seq))


def encoder_decoder_data(dec_pre):
    def make():
        enc = padded_tokens([7, 3, 5], 7, 8, seed=61)
        dec = padded_tokens([6, 2, 4], 6, 6, seed=62, pre=dec_pre)
        return [enc, dec], targets((3, 6), 62, "classes"), None
    return make


CASES += [
    Case("encoder_decoder_lstm_initial_state", "encoder LSTM(return_state) -> [h, c] as the decoder LSTM's initial_state; masked embeddings, sparse crossentropy",
         partial(build_encoder_decoder, cell="LSTM", dec_pre=False), encoder_decoder_data(False), "sparse_categorical_crossentropy"),
    Case("encoder_decoder_gru_initial_state_prepadded", "encoder GRU(return_state) -> h as the decoder GRU's initial_state; the decoder's input pre-padded (its outputs at masked first steps)",
         partial(build_encoder_decoder, cell="GRU", dec_pre=True), encoder_decoder_data(True), "sparse_categorical_crossentropy"),
]

def build_last_step_slice_initial_state(K):
    """The encoder's last step taken by slicing (`enc[:, -1, :]`: Keras 3 GetItem, tf.keras
    SlicingOpLambda) starts the decoder; Luong dot attention over the encoder, its context
    concatenated with the decoder (an unmasked input beside a masked one)."""
    L = K.layers
    enc_in, dec_in = L.Input(shape=(7,)), L.Input(shape=(6,))
    enc = L.LSTM(4, return_sequences=True, unroll=True)(L.Embedding(8, 5, mask_zero=True)(enc_in))
    last = enc[:, -1, :]
    dec = L.LSTM(4, return_sequences=True, unroll=True)(L.Embedding(6, 5, mask_zero=True)(dec_in), initial_state=[last, last])
    attention = L.Activation("softmax")(L.Dot(axes=[2, 2])([dec, enc]))
    context = L.Dot(axes=[2, 1])([attention, enc])
    return K.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(L.Concatenate()([context, dec])))


CASES += [
    Case("encoder_last_step_slice_initial_state", "encoder LSTM sequence sliced at its last step (enc[:, -1, :]) as the decoder LSTM's initial_state, dot attention, context concatenated with the decoder",
         build_last_step_slice_initial_state, encoder_decoder_data(False), "sparse_categorical_crossentropy"),
]


def build_bidirectional_lstm_states(K):
    """Bidirectional(LSTM(return_state)): forward h, c, backward h, c; joined, they start the decoder."""
    L = K.layers
    enc_in, dec_in = L.Input(shape=(7,)), L.Input(shape=(6,))
    _, fh, fc, bh, bc = L.Bidirectional(L.LSTM(3, return_sequences=True, return_state=True))(L.Embedding(8, 5, mask_zero=True)(enc_in))
    h, c = L.Concatenate()([fh, bh]), L.Concatenate()([fc, bc])
    seq = L.LSTM(6, return_sequences=True)(L.Embedding(6, 5, mask_zero=True)(dec_in), initial_state=[h, c])
    return K.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(seq))


def build_bidirectional_gru_initial_state(K):
    """Bidirectional(GRU(return_state)) states as a Bidirectional decoder's initial_state (forward half, backward half)."""
    L = K.layers
    enc_in, dec_in = L.Input(shape=(7,)), L.Input(shape=(6,))
    _, fh, bh = L.Bidirectional(L.GRU(3, return_state=True))(L.Embedding(8, 5, mask_zero=True)(enc_in))
    seq = L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum")(L.Embedding(6, 5, mask_zero=True)(dec_in), initial_state=[fh, bh])
    return K.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(seq))


CASES += [
    Case("bidirectional_lstm_return_state", "Bidirectional(LSTM(return_sequences, return_state)) -> forward/backward h and c concatenated -> the decoder LSTM's initial_state",
         build_bidirectional_lstm_states, encoder_decoder_data(False), "sparse_categorical_crossentropy"),
    Case("bidirectional_gru_initial_state", "Bidirectional(GRU(return_state)) -> [forward h, backward h] as a Bidirectional(GRU, merge_mode='sum') decoder's initial_state; pre-padded decoder",
         build_bidirectional_gru_initial_state, encoder_decoder_data(True), "sparse_categorical_crossentropy"),
]

def build_timedistributed_model(K):
    """A functional sentence encoder (its own masked Embedding) run on every sentence of a document by TimeDistributed."""
    L = K.layers
    words = L.Input(shape=(5,))
    sentence_encoder = K.Model(words, L.Dense(4, activation="tanh")(L.GRU(3)(L.Embedding(7, 4, mask_zero=True)(words))))
    doc = L.Input(shape=(3, 5))
    sentences = L.TimeDistributed(sentence_encoder)(doc)
    return K.Model(doc, L.Dense(1, activation="sigmoid")(L.LSTM(2)(sentences)))


def document_data():
    x = np.stack([padded_tokens([5, 3, 1], 5, 7, seed=70 + i) for i in range(4)])
    return x, targets((4, 1), 70, "binary"), None


CASES += [
    Case("timedistributed_functional_encoder", "TimeDistributed(a functional model: Embedding(mask_zero) -> GRU -> Dense) over the sentences of documents -> LSTM -> Dense(sigmoid)",
         build_timedistributed_model, document_data, "binary_crossentropy"),
]

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def corpus_model(K, stem, name):
    """The model a golden corpus file binds to `name` (custom layer classes are defined there)."""
    return runpy.run_path(os.path.join(CORPUS, f"{stem}.py"), run_name=f"corpus_{stem}")[name]


def from_corpus(name, about, stem, model, data, loss, **kwargs):
    return Case(name, about, partial(corpus_model, stem=stem, name=model), data, loss, source=(stem, model), **kwargs)


# Custom layer classes: weights made in build() / __init__, calls taking mask=, compute_mask,
# held layers (their weights after the layer's own), loops over held layers.
CASES += [
    from_corpus("custom_supports_masking", "c40: custom layers with supports_masking (class attribute, __init__, a subclass) -> LSTM",
                "c40_custom_layer_supports_masking", "supported", token_data(LENS, 3, seed=51), "mse"),
    from_corpus("custom_pass_through_and_doubling", "c40: a custom layer returning its input keeps the mask; one that does not support masking drops it",
                "c40_custom_layer_supports_masking", "unsupported", token_data(LENS, 1, seed=52), "mse"),
    from_corpus("custom_compute_mask_attention_pool", "c41: time shift with compute_mask, call(mask=), attention pooling with build() weights",
                "c41_custom_layer_compute_mask", "model", token_data(LENS, 1, y_kind="binary", timesteps=7, seed=53, y_shape=(3, 1)), "binary_crossentropy"),
    from_corpus("custom_holds_layers", "c42: a MultiHeadAttention block and a feed-forward block holding a Sequential",
                "c42_custom_layer_holds_layers", "classifier", token_data(LENS, 1, y_kind="classes", seed=54, y_shape=(3,)), "sparse_categorical_crossentropy"),
    from_corpus("custom_keras_base_tagger", "c43: LSTM and GRU subclasses keep their base's masking",
                "c43_custom_layer_keras_base", "tagger", token_data(LENS, 1, y_kind="classes", seed=55, y_shape=(3, 6)), "sparse_categorical_crossentropy"),
    from_corpus("custom_loops_over_blocks", "c44: a custom layer running a list of custom blocks in loops",
                "c44_custom_layer_loops_over_held_layers", "model", token_data(LENS, 1, seed=56, y_shape=(3, 1)), "mse", stochastic=("stack",)),
]

# Compiled metrics: Keras applies the output mask to them as to the loss (metrics= ignore the
# sample weights, weighted_metrics= use them), and resolves "accuracy" by the loss' shapes.
TEMPORAL_SW = np.linspace(0.25, 1.5, 18).reshape(3, 6).tolist()
CASES += [
    Case("metrics_sparse_tagger", "compiled metrics on a padded tagger: accuracy (sparse by shape), top-2, weighted accuracy with per-timestep weights",
         partial(token_rnn, head=3, head_act="softmax"), token_data(LENS, 3, y_kind="classes", seed=61, y_shape=(3, 6), sw=TEMPORAL_SW),
         "sparse_categorical_crossentropy", metrics=("accuracy", "sparse_categorical_accuracy", ("SparseTopKCategoricalAccuracy", {"k": 2})),
         weighted_metrics=("accuracy",)),
    Case("metrics_binary_tagger", "compiled metrics on a binary tagger: accuracy (binary by shape), binary_accuracy, mae, mse; weighted binary accuracy per sample",
         partial(token_rnn, head=1, head_act="sigmoid"), token_data(LENS, 1, y_kind="binary", seed=62, sw=[[2.0], [1.0], [0.5]]),
         "binary_crossentropy", metrics=("accuracy", "binary_accuracy", "mae", "mse"), weighted_metrics=("binary_accuracy",)),
    Case("metrics_onehot_tagger", "compiled metrics on a one-hot tagger: acc (categorical by shape), categorical_accuracy, top-2",
         partial(token_rnn, head=4, head_act="softmax"), token_data(LENS, 4, y_kind="onehot", seed=63),
         "categorical_crossentropy", metrics=("acc", "categorical_accuracy", ("TopKCategoricalAccuracy", {"k": 2}))),
    Case("metrics_mask_dropped", "compiled metrics where Conv1D dropped the mask: every position counts",
         build_conv, token_data(LENS, 1, seed=64), "mse", metrics=("mae", "mse"), checks=("output_mask_is_none",)),
]

# AUC (200 thresholds unless given, interpolated): Keras 3's AUC reads no mask, tf-keras masks it.
CASES += [
    Case("metrics_auc_binary_tagger", "AUC on a padded binary tagger: ROC and PR interpolated, ROC minoring, 50 thresholds, from_logits",
         partial(token_rnn, head=1, head_act="sigmoid"), token_data(LENS, 1, y_kind="binary", seed=65),
         "binary_crossentropy", metrics=("AUC", ("AUC", {"curve": "PR", "name": "pr_auc"}),
                                         ("AUC", {"summation_method": "minoring", "name": "auc_minoring"}),
                                         ("AUC", {"num_thresholds": 50, "name": "auc_50"}),
                                         ("AUC", {"from_logits": True, "name": "auc_logits"}))),
    Case("metrics_auc_onehot_tagger", "AUC over a one-hot tagger's classes flattened (multi_label=False), and weighted by per-sample weights",
         partial(token_rnn, head=4, head_act="softmax"), token_data(LENS, 4, y_kind="onehot", seed=66, sw=[[2.0], [1.0], [0.5]]),
         "categorical_crossentropy", metrics=("categorical_accuracy",), weighted_metrics=(("AUC", {"name": "weighted_auc"}),)),
]

# The user's own masked losses (c50): the loss each model is compiled with in the file
# ("compiled"), its own padding in the targets (-1 for floats, 0 for token ids).
CUSTOM = "c50_custom_losses"
CASES += [
    from_corpus("custom_loss_sum_over_mask", "c50: masked_mse, mask from y_true != -1 then sum / sum: a scalar Keras' mask cannot reach",
                CUSTOM, "sum_over_mask", pad_targets(token_data(LENS, 1, seed=71), -1.0), "compiled"),
    from_corpus("custom_loss_per_step_double_masked", "c50: masked_mae_per_step masks itself per timestep, and Keras' mask weights it again",
                CUSTOM, "per_step", pad_targets(token_data(LENS, 2, seed=72), -1.0), "compiled"),
    from_corpus("custom_loss_tutorial_mean", "c50: TensorFlow's translation-tutorial loss: SparseCategoricalCrossentropy(reduction='none') * mask, reduce_mean over every position",
                CUSTOM, "translator", pad_targets(token_data(LENS, 1, y_kind="classes", seed=73, y_shape=(3, 6)), 0.0), "compiled"),
    from_corpus("custom_loss_class_huber", "c50: a keras.losses.Loss subclass (masked Huber per timestep) on Masking -> LSTM",
                CUSTOM, "huber", pad_targets(float_data(LENS, seed=74), -1.0), "compiled"),
    from_corpus("custom_loss_closure_mask_dropped", "c50: a closure make_masked_loss(PAD) returning a scalar, after Conv1D dropped Keras' mask",
                CUSTOM, "conv", pad_targets(token_data(LENS, 1, seed=75), -1.0), "compiled"),
]

# tf.split in the user's loss: sizes with an open -1, and a count of equal parts (c51).
SPLITS = "c51_split_losses"


def skill_data(lengths, skills, seed):
    """Per step: which skill it asks (one-hot) and the answer (0/1); PAD (-1) on padded steps."""
    def make():
        x = padded_tokens(lengths, 6, 6, seed)
        rng = np.random.default_rng(seed)
        asked = np.eye(skills, dtype="float32")[rng.integers(0, skills, size=x.shape)]
        answer = rng.integers(0, 2, size=x.shape + (1,)).astype("float32")
        y = np.concatenate([asked, answer], axis=-1)
        y[x == 0] = -1.0
        return x, y, None
    return make


CASES += [
    from_corpus("custom_loss_split_open_size", "c51: a knowledge-tracing loss: tf.split(y_true, [-1, 1]) into skills and answer",
                SPLITS, "skills", skill_data(LENS, 3, seed=76), "compiled"),
    from_corpus("custom_loss_split_count_and_sizes", "c51: tf.split by a count of equal parts and by sizes [-1, 2]",
                SPLITS, "halves", token_data(LENS, 4, seed=77), "compiled"),
]

# A tensor handed to a held MultiHeadAttention as attention_mask= (made from the incoming
# mask), and custom layers inside a nested model (c52).
ATTENTION_MASK = "c52_custom_layer_attention_mask"
CASES += [
    from_corpus("custom_attention_mask_padding", "c52: a custom layer passes mask[:, None, :] to its MultiHeadAttention as attention_mask=",
                ATTENTION_MASK, "encoder", token_data(LENS, 1, seed=78), "mse"),
    from_corpus("custom_attention_mask_pairs_nested", "c52: an attention_mask= per query and key position, custom layers inside a nested model",
                ATTENTION_MASK, "stacked", token_data(LENS, 1, seed=79), "mse"),
    from_corpus("custom_attention_scores_returned", "c52: a held MultiHeadAttention called with return_attention_scores=True returns (output, scores)",
                ATTENTION_MASK, "scored", token_data(LENS, 1, seed=82), "mse"),
]

# A loss that makes its Keras loss object inside the function (c53; its subclassed model with
# a tuple input is checked by the analysis goldens and, numerically, by the real-world corpus).
CASES += [
    from_corpus("custom_loss_object_made_inside", "c53: the tutorial's masked loss: a SparseCategoricalCrossentropy object made inside the loss function",
                "c53_subclassed_tuple_input", "tagger", token_data(LENS, 1, y_kind="classes", seed=81, y_shape=(3, 6)), "compiled"),
]

# fit(class_weight=...): each sample (or timestep) weighted by its target's class, with the mask.
CLASS_WEIGHT = {0: 1.0, 1: 3.0, 2: 0.5}
CASES += [
    Case("class_weight_classifier", "class_weight on a classifier (sparse class per sample): each sample weighted by its class",
         partial(token_rnn, head=3, head_act="softmax", rnn=lambda L: L.LSTM(5)), token_data(LENS, 1, y_kind="classes", seed=67, y_shape=(3, 1)),
         "sparse_categorical_crossentropy", class_weight=CLASS_WEIGHT, fit_epochs=3),
    Case("class_weight_tagger", "class_weight on a padded tagger, targets (batch, time, 1): tf-keras weights each timestep by its class under the mask; Keras 3 raises a TypeError",
         partial(token_rnn, head=3, head_act="softmax"), token_data(LENS, 3, y_kind="classes", seed=68, y_shape=(3, 6, 1)),
         "sparse_categorical_crossentropy", class_weight=CLASS_WEIGHT, expected_errors={"keras3": "TypeError"}, fit_epochs=3),
]

# The user's own metrics (c54): Metric subclasses with state and metric functions, as the file
# compiles them; which mask or weights each Keras passes them is what the fixtures show.
METRIC_LENS = [6, 5, 4, 3, 2, 6, 1, 4]
CASES += [
    from_corpus("custom_metrics_tagger", "c54: Metric subclasses (own padding mask; every position it is given) and a metric function on a padded tagger, weighted_metrics with per-sample weights",
                "c54_custom_metrics", "tagger",
                pad_targets(token_data(METRIC_LENS, 1, y_kind="classes", seed=81, y_shape=(8, 6),
                                       sw=[[1.0], [2.0], [0.5], [1.0], [3.0], [1.0], [2.0], [1.0]]), 0.0),
                "sparse_categorical_crossentropy", compiled_metrics=True),
    from_corpus("custom_metrics_classifier", "c54: a Metric subclass and a metric function on a classifier (no mask reaches the output)",
                "c54_custom_metrics", "classifier", token_data(METRIC_LENS, 1, y_kind="classes", seed=82, y_shape=(8, 1)),
                "sparse_categorical_crossentropy", compiled_metrics=True),
]


def build_masking_after_dense(K):
    """Masking on a bias-free Dense's output: padded steps stay exactly 0, so the mask marks them;
    the mask is made (not_equal) from a tensor that depends on weights, and training passes no
    gradient through it."""
    L = K.layers
    return seq(K, L.Input(shape=(6, 3)), L.Dense(4, use_bias=False), L.Masking(mask_value=0.0),
               L.LSTM(3, return_sequences=True), L.Dense(1))


CASES += [
    Case("masking_after_dense", "Dense(4, use_bias=False) -> Masking(0.) -> LSTM(3, return_sequences) -> Dense(1): a mask made from a computed tensor, trained",
         build_masking_after_dense, float_data(LENS, seed=7), "mse"),
]


CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "duplicate case names"


