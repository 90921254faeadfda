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
import contextlib
import json
import os
import resource
import sys
import time

import server  # noqa: E402  (threads, logging and the model source, as the other workloads use them)

import numpy as np  # noqa: E402

TIMESTEPS, VOCAB, TAGS = 500, 10000, 17


def build():
    """Executes the model source (stdout silenced), as server.build does for the server's workloads."""
    path = os.path.join(server.ROOT, "bench", "models", "w7_bilstm_tagger.py")
    g = {"__name__": "bench_model", "__file__": path}
    with open(path, encoding="utf-8") as fh, contextlib.redirect_stdout(sys.stderr):
        exec(compile(fh.read(), path, "exec"), g)
    return g["model"]


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
    model = build()
    with open(weights_path, encoding="utf-8") as fh:
        layers = json.load(fh)
    model.set_weights([np.array(w["values"], dtype="float32").reshape(w["shape"]) for l in layers for w in l["weights"]])
    x = np.load(x_path)
    y = np.load(y_path)
    model.evaluate(x[:32], y[:32], batch_size=32, verbose=0)  # traces; excluded from the time
    t0 = time.perf_counter()
    loss = model.evaluate(x, y, batch_size=32, verbose=0)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "loss": float(loss), "peak_rss_bytes": peak_kb * 1024}


def main():
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything Keras prints must not corrupt the answer
    op, directory, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
    reply = make(directory, samples) if op == "make" else evaluate(directory, samples)
    real_stdout.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
