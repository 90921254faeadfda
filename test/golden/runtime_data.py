"""Deterministic numpy data for the runtime cases (family independent, fixed seeds)."""
import numpy as np

SEED2_N = 5


def _rng(seed):
    return np.random.default_rng(seed)


def padded_floats(lengths, timesteps, features, seed, pre=False, pad=0.0):
    x = _rng(seed).normal(size=(len(lengths), timesteps, features)).astype("float32")
    for i, n in enumerate(lengths):
        if pre:
            x[i, : timesteps - n] = pad
        else:
            x[i, n:] = pad
    return x


def padded_tokens(lengths, timesteps, vocab, seed, pre=False):
    x = _rng(seed).integers(1, vocab, size=(len(lengths), timesteps)).astype("float32")
    for i, n in enumerate(lengths):
        if pre:
            x[i, : timesteps - n] = 0
        else:
            x[i, n:] = 0
    return x


def targets(shape, seed, kind="normal"):
    r = _rng(seed + 1000)
    if kind == "normal":
        return r.normal(size=shape).astype("float32")
    if kind == "binary":
        return r.integers(0, 2, size=shape).astype("float32")
    if kind == "positive":
        return r.uniform(0.5, 2.0, size=shape).astype("float32")
    if kind == "onehot":
        return np.eye(shape[-1], dtype="float32")[r.integers(0, shape[-1], size=shape[:-1])]
    if kind == "classes":
        return r.integers(0, 3, size=shape).astype("float32")
    if kind == "probs":
        p = r.uniform(0.1, 1.0, size=shape)
        return (p / p.sum(-1, keepdims=True)).astype("float32")
    raise ValueError(kind)


def seed001_data(tokens, y):
    return lambda: (np.array(tokens, dtype="float32"), y, None)


def seed002_data(samples, timesteps, features, seed, nan_targets=False):
    def make():
        r = _rng(seed)
        lengths = r.integers(SEED2_N + 3, timesteps + 1, size=samples)
        lengths[0] = timesteps
        x = padded_floats(lengths, timesteps, features, seed + 1)
        y = (1.0 / (1.0 + np.exp(-np.cumsum(x[..., :1], axis=1) / 4.0))).astype("float32")
        for i, n in enumerate(lengths):
            y[i, n:] = np.nan if nan_targets else 0.0
        return x, y[:, SEED2_N:, :], None
    return make


def nan_input_data():
    x = padded_floats([10, 7, 4], 10, 4, seed=19, pad=np.nan)
    y = targets((3, 10, 1), 19)
    return x, y, None


def float_data(lengths, features=3, timesteps=6, seed=0, y_shape=None, y_kind="normal", sw=None, pre=False, pad=0.0):
    def make():
        x = padded_floats(lengths, timesteps, features, seed, pre=pre, pad=pad)
        ys = y_shape or (len(lengths), timesteps, 1)
        return x, targets(ys, seed, y_kind), None if sw is None else np.array(sw, dtype="float32")
    return make


def token_data(lengths, head, y_kind="normal", timesteps=6, vocab=6, seed=0, sw=None, y_shape=None):
    def make():
        x = padded_tokens(lengths, timesteps, vocab, seed)
        ys = y_shape or (len(lengths), timesteps, head)
        return x, targets(ys, seed, y_kind), None if sw is None else np.array(sw, dtype="float32")
    return make


def two_input_data():
    a = padded_tokens([6, 4, 3], 6, 6, seed=21)
    b = padded_tokens([5, 6, 2], 6, 6, seed=22)
    return [a, b], targets((3, 6, 1), 21), None


def pad_targets(make, pad):
    """The targets padded with `pad` wherever the inputs are padded (0), as hand-written masked losses expect."""
    def padded():
        x, y, sw = make()
        padding = (x == 0) if x.ndim == 2 else np.all(x == 0, axis=-1)
        y = y.copy()
        y[padding] = pad
        return x, y, sw
    return padded
