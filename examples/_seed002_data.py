# Shared stand-in for the data seed 002 loads but does not show: 100 sequences of
# 362 timesteps × 24 features, post-padded with zeros, and targets of shape (100, 362, 1).
import numpy as np


def make_data(pad_value=0.0, seed=0):
    samples, timesteps, features = 100, 362, 24
    rng = np.random.default_rng(seed)
    lengths = rng.integers(50, timesteps + 1, size=samples)
    x = np.full((samples, timesteps, features), pad_value, dtype="float32")
    y = np.zeros((samples, timesteps, 1), dtype="float32")
    for i, n in enumerate(lengths):
        x[i, :n] = rng.uniform(0.1, 1.0, size=(n, features))
        y[i, :n, 0] = x[i, :n].mean(axis=1)
    return x, y, timesteps, features
