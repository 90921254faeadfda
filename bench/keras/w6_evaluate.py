"""The Keras side of W6: seed 002's model (bench/models/w1_seed002.py) evaluated over .npy files
of 362 x 24 float32 sequences, in a fresh process per data size, so that the process's peak
resident memory is that evaluation's own.

The files are opened as a user with data larger than memory would open them,
np.load(mmap_mode='r'), and handed to model.evaluate (batch size 32). One evaluate over the first
batch runs first (tracing, excluded from the time); the peak memory includes it.

Usage: w6_evaluate.py make DIR SAMPLES     writes w6_x_SAMPLES.npy, w6_y_SAMPLES.npy (seeded, in blocks)
       w6_evaluate.py evaluate DIR SAMPLES WEIGHTS_JSON
Prints one JSON line: {"seconds", "loss", "peak_rss_bytes"} for evaluate.
"""
import os

import server  # noqa: E402  (threads, logging and the model source, as the other workloads use them)

import numpy as np  # noqa: E402

TIMESTEPS, FEATURES, N_CUT = 362, 24, 5
BLOCK = 1000


def paths(directory, samples):
    return (os.path.join(directory, f"w6_x_{samples}.npy"), os.path.join(directory, f"w6_y_{samples}.npy"))


def make(directory, samples):
    """Seed 002's stand-in data (bench/keras/data.py w1_arrays) at any size, written block by block."""
    x_path, y_path = paths(directory, samples)
    x = np.lib.format.open_memmap(x_path, mode="w+", dtype="float32", shape=(samples, TIMESTEPS, FEATURES))
    y = np.lib.format.open_memmap(y_path, mode="w+", dtype="float32", shape=(samples, TIMESTEPS - N_CUT, 1))
    for start in range(0, samples, BLOCK):
        end = min(samples, start + BLOCK)
        rng = np.random.default_rng(6000 + start // BLOCK)
        lengths = rng.integers(20, TIMESTEPS + 1, size=end - start)
        xs = rng.normal(size=(end - start, TIMESTEPS, FEATURES)).astype("float32")
        ys = (1 / (1 + np.exp(-np.cumsum(xs[..., :1], axis=1) / 10))).astype("float32")
        for i, n in enumerate(lengths):
            xs[i, n:] = 0.0
            ys[i, n:] = 0.0
        x[start:end] = xs
        y[start:end] = ys[:, N_CUT:, :]
    x.flush()
    y.flush()
    return {"x": x_path, "y": y_path}


def evaluate(directory, samples, weights_path):
    x_path, y_path = paths(directory, samples)
    x = np.load(x_path, mmap_mode="r")
    y = np.load(y_path, mmap_mode="r")
    return server.timed_evaluate(server.build("w1"), weights_path, x, y)


if __name__ == "__main__":
    server.script_main(make, evaluate)
