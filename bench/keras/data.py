"""The benchmark data, generated once per run with fixed seeds and written as .npy files:
MaskLens reads the files through its file data source, the Keras side uses the same arrays."""
import os

import numpy as np


def w1_arrays():
    """Seed 002's stand-in data (examples/seed002_*.py): 100 samples, 362 timesteps, 24 features,
    post-padded variable lengths; targets shifted by the Lambda's N = 5; 75 train / 25 test."""
    rng = np.random.default_rng(2)
    samples, timesteps, features, n_cut = 100, 362, 24, 5
    lengths = rng.integers(20, timesteps + 1, size=samples)
    x = rng.normal(size=(samples, timesteps, features)).astype("float32")
    y = (1 / (1 + np.exp(-np.cumsum(x[..., :1], axis=1) / 10))).astype("float32")
    for i, n in enumerate(lengths):
        x[i, n:] = 0.0
        y[i, n:] = 0.0
    y = y[:, n_cut:, :]
    return {"w1_x_train": x[:75], "w1_y_train": y[:75], "w1_x_test": x[75:], "w1_y_test": y[75:]}


def w2_arrays():
    """Seed 001's own arrays (examples/seed001_embedding_dense_mse.py)."""
    return {"w2_x": np.array([[1, 2, 0, 0]], dtype="float32"), "w2_y": np.arange(12, dtype="float32").reshape(1, 4, 3)}


def w3_arrays():
    """2,000 token sequences of 100 steps, ids 1..9999, lengths 10..100, post-padded with 0;
    one of 10 tags per step (0 at padded steps, which the mask removes from the loss)."""
    rng = np.random.default_rng(3)
    samples, timesteps, vocab, tags = 2000, 100, 10000, 10
    lengths = rng.integers(10, timesteps + 1, size=samples)
    x = rng.integers(1, vocab, size=(samples, timesteps)).astype("int32")
    y = rng.integers(0, tags, size=(samples, timesteps)).astype("int32")
    for i, n in enumerate(lengths):
        x[i, n:] = 0
        y[i, n:] = 0
    return {"w3_x": x, "w3_y": y}


def w8_arrays():
    """2,000 token sequences padded to 200 steps with sentence-like lengths: log-normal around 40
    tokens (median 40, mean about 48, a long tail cut at 200), ids 1..9999, post-padded with 0;
    one of 10 tags per step (0 at padded steps)."""
    rng = np.random.default_rng(8)
    samples, timesteps, vocab, tags = 2000, 200, 10000, 10
    lengths = np.clip(np.round(rng.lognormal(np.log(40), 0.6, size=samples)), 5, timesteps).astype(int)
    x = rng.integers(1, vocab, size=(samples, timesteps)).astype("int32")
    y = rng.integers(0, tags, size=(samples, timesteps)).astype("int32")
    for i, n in enumerate(lengths):
        x[i, n:] = 0
        y[i, n:] = 0
    return {"w8_x": x, "w8_y": y}


def all_arrays():
    return {**w1_arrays(), **w2_arrays(), **w3_arrays(), **w8_arrays()}


def generate(directory):
    os.makedirs(directory, exist_ok=True)
    arrays = all_arrays()
    for name, value in arrays.items():
        np.save(os.path.join(directory, f"{name}.npy"), np.ascontiguousarray(value))
    return arrays


def load(directory):
    """The arrays generate() wrote: the second Keras backend reads the files, not a regeneration."""
    return {name: np.load(os.path.join(directory, f"{name}.npy")) for name in all_arrays()}
