"""The Keras side of W7: a BiLSTM tagger (bench/models/w7_bilstm_tagger.py) evaluated over
25,000 post-padded token sequences whose lengths follow a seeded gamma distribution (shape 4,
scale 57.5: mean about 230 steps), cut to 5..500 steps.

`make` writes the token ids and tags as .npy files and the model's initial weights (the
MaskLens weights file format), so both sides evaluate the same model on the same data.
`evaluate` loads the arrays (np.load) and runs model.evaluate(batch_size=32) once after one
traced batch (excluded from the time).

Usage: w7_evaluate.py make DIR SAMPLES        writes w7_x_SAMPLES.npy, w7_y_SAMPLES.npy, w7_weights.json
       w7_evaluate.py evaluate DIR SAMPLES
Prints one JSON line: make {"x", "y", "weights", "mean_length", "max_length"};
evaluate {"seconds", "loss", "peak_rss_bytes"}.
"""
import os


import server  # noqa: E402  (threads, logging and the model source, as the other workloads use them)

import numpy as np  # noqa: E402

TIMESTEPS, VOCAB, TAGS = 500, 10000, 17


def build():
    return server.build_source(os.path.join(server.ROOT, "bench", "models", "w7_bilstm_tagger.py"))


def paths(directory, samples):
    return (
        os.path.join(directory, f"w7_x_{samples}.npy"),
        os.path.join(directory, f"w7_y_{samples}.npy"),
        os.path.join(directory, "w7_weights.json"),
    )


def make(directory, samples):
    x_path, y_path, weights_path = paths(directory, samples)
    rng = np.random.default_rng(7007)
    lengths = np.clip(np.rint(rng.gamma(4.0, 57.5, size=samples)), 5, TIMESTEPS).astype("int64")
    steps = np.arange(TIMESTEPS)[None, :]
    valid = steps < lengths[:, None]
    x = np.where(valid, rng.integers(1, VOCAB, size=(samples, TIMESTEPS)), 0).astype("int32")
    y = np.where(valid, rng.integers(1, TAGS, size=(samples, TIMESTEPS)), 0).astype("int32")
    np.save(x_path, x)
    np.save(y_path, y)
    model = build()
    server.export_weights(model, weights_path)
    return {
        "x": x_path,
        "y": y_path,
        "weights": weights_path,
        "mean_length": float(lengths.mean()),
        "max_length": int(lengths.max()),
    }


def evaluate(directory, samples):
    x_path, y_path, weights_path = paths(directory, samples)
    return server.timed_evaluate(build(), weights_path, np.load(x_path), np.load(y_path))


if __name__ == "__main__":
    server.script_main(make, evaluate)
