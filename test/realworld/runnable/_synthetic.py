"""Synthetic data for the runnable copies: small, seeded with numpy (identical in both Keras
families), padded the way the corpus file pads (post or pre, with its pad value), with
sequences of varied lengths: one full-length sample, one short one, the rest in between."""
import numpy as np


def lengths(n, maxlen, seed=0, min_len=1):
    rng = np.random.default_rng(seed)
    out = rng.integers(max(min_len, 1), maxlen + 1, size=n)
    out[0] = maxlen
    if n > 1:
        out[1] = max(min_len, min(2, maxlen))
    return out


def _place(row, values, padding):
    n = len(values)
    if padding == "post":
        row[:n] = values
    else:
        row[len(row) - n:] = values


def padded_ids(n, maxlen, vocab, seed=0, padding="post", min_len=1, dtype="int32"):
    """Token ids in [1, vocab) padded with 0."""
    rng = np.random.default_rng(seed + 1)
    out = np.zeros((n, maxlen), dtype=dtype)
    for i, k in enumerate(lengths(n, maxlen, seed, min_len)):
        _place(out[i], rng.integers(1, vocab, size=k), padding)
    return out


def padded_floats(n, maxlen, features, seed=0, padding="post", pad_value=0.0, min_len=1):
    """Normal features, padded timesteps set to pad_value."""
    rng = np.random.default_rng(seed + 2)
    out = np.full((n, maxlen, features), pad_value, dtype="float32")
    for i, k in enumerate(lengths(n, maxlen, seed, min_len)):
        _place(out[i], rng.normal(size=(k, features)).astype("float32"), padding)
    return out


def same_padding(ids, values):
    """Per-step targets zeroed where `ids` is padding (as tag sequences are padded)."""
    mask = (ids != 0)
    return np.where(mask.reshape(mask.shape + (1,) * (values.ndim - mask.ndim)), values, 0).astype(values.dtype)


def classes(n, k, seed=0):
    return np.random.default_rng(seed + 3).integers(0, k, size=(n,)).astype("int32")


def one_hot(labels, k):
    return np.eye(k, dtype="float32")[labels]


def binary(n, seed=0):
    return np.random.default_rng(seed + 4).integers(0, 2, size=(n, 1)).astype("float32")


def normal(shape, seed=0):
    return np.random.default_rng(seed + 5).normal(size=shape).astype("float32")


def uniform(shape, seed=0):
    return np.random.default_rng(seed + 6).random(size=shape).astype("float32")


def tag_ids(ids, k, seed=0):
    """Per-token tags in [1, k) where there is a token, 0 on padding."""
    tags = np.random.default_rng(seed + 7).integers(1, k, size=ids.shape).astype("int32")
    return np.where(ids != 0, tags, 0).astype("int32")
