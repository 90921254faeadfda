"""The Keras side of `npm run bench`: a long-lived process that the harness drives with one
JSON request per stdin line and that answers with one JSON line on stdout.

Being one process lets the harness alternate MaskLens and Keras runs while TensorFlow stays
loaded and tf.function traces stay warm, exactly as a user's notebook would be. Timings are
taken here, around the Keras calls alone, with time.perf_counter().

The same file serves both Keras references: KERAS_BACKEND=tensorflow (the default) and
KERAS_BACKEND=jax (run from the bench's JAX venv). The TensorFlow process generates the data
and the initial weights; the JAX process loads those very files ("prepare" with "load"), so
both backends start from the same arrays and weights.

Requests: {"op": "prepare", "dir": D, "load": bool}, {"op": "peak"}, {"op": "train", "workload":
W, "mode": "warm"|"cold"}, {"op": "evaluate", "workload": W}. Answers: {"ok": true, ...,
"peakRssBytes": N} or {"ok": false, "error": "..."}; peakRssBytes is this process's peak
resident memory during the request (Linux: the high-water mark is reset before each request).
"""
import contextlib
import json
import os
import sys
import time
import traceback

# Threads and logging must be fixed before TensorFlow loads; the harness passes the same
# values it gives the MaskLens pool.
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
BACKEND = os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

if BACKEND == "tensorflow":
    import tensorflow as tf  # noqa: E402

    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(1)
else:
    tf = None  # JAX's XLA CPU client sizes its thread pool to the cores; it has no per-op thread setting

import keras  # noqa: E402

import data  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Which model source each workload executes, its data files and its batch size.
WORKLOADS = {
    "w1": {"source": "bench/models/w1_seed002.py", "train": ("w1_x_train", "w1_y_train"), "eval": ("w1_x_test", "w1_y_test"), "batch": 15, "eval_batch": 25},
    "w2": {"source": "bench/models/w2_seed001.py", "train": None, "eval": ("w2_x", "w2_y"), "batch": 32, "eval_batch": 32},
    "w3": {"source": "bench/models/w3_tagger.py", "train": ("w3_x", "w3_y"), "eval": None, "batch": 32, "eval_batch": 32},
    "w8": {"source": "bench/models/w8_gru_tagger.py", "train": ("w8_x", "w8_y"), "eval": None, "batch": 32, "eval_batch": 32},
}

state = {"dir": None, "arrays": {}, "models": {}, "initial": {}, "warm": set()}


def build_source(path):
    """Executes a model source (stdout silenced) and returns its `model`."""
    g = {"__name__": "bench_model", "__file__": path}
    with open(path, encoding="utf-8") as fh, contextlib.redirect_stdout(sys.stderr):
        exec(compile(fh.read(), path, "exec"), g)
    return g["model"]


def build(name):
    """The workload's model, built from its source."""
    return build_source(os.path.join(ROOT, WORKLOADS[name]["source"]))


def timed_evaluate(model, weights_path, x, y):
    """The fresh-process workloads' (W6, W7) measurement: the given initial weights loaded, one
    evaluate over the first batch (tracing, excluded from the time), then one timed evaluate over
    everything at batch size 32. The peak memory includes the traced batch."""
    with open(weights_path, encoding="utf-8") as fh:
        layers = json.load(fh)
    model.set_weights([np.array(w["values"], dtype="float32").reshape(w["shape"]) for l in layers for w in l["weights"]])
    model.evaluate(x[:32], y[:32], batch_size=32, verbose=0)
    t0 = time.perf_counter()
    loss = model.evaluate(x, y, batch_size=32, verbose=0)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "loss": float(loss), "peak_rss_bytes": peak_rss_bytes()}


def script_main(make, evaluate):
    """`SCRIPT make DIR SAMPLES` or `SCRIPT evaluate DIR SAMPLES [more]`: one JSON line on stdout."""
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything Keras prints must not corrupt the answer
    op, directory, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
    reply = make(directory, samples) if op == "make" else evaluate(directory, samples, *sys.argv[4:])
    real_stdout.write(json.dumps(reply) + "\n")


def arrays(*names):
    return [state["arrays"][n] for n in names]


def export_weights(model, path):
    """Initial weights in Keras get_weights() order per layer, the MaskLens weights file format.
    Layer names are those of this process; the harness maps them by position and class."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue  # functional models list it, Sequential ones do not; MaskLens's side skips it too
        ws = []
        for v, value in zip(layer.weights, layer.get_weights()):
            short = (getattr(v, "path", None) or v.name).split(":")[0].rsplit("/", 1)[-1]
            ws.append({"name": short, "shape": list(value.shape), "values": value.astype("float32").ravel().tolist()})
        layers.append({"layer": layer.name, "className": type(layer).__name__, "weights": ws})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(layers, fh)


def versions():
    v = {"python": sys.version.split()[0], "keras": keras.__version__, "numpy": np.__version__, "backend": BACKEND}
    if tf is not None:
        v["tensorflow"] = tf.__version__
    else:
        import jax

        v["jax"] = jax.__version__
    return v


def prepare(req):
    """Generates the data and exports the initial weights, or with "load" reads both back from
    the folder another server prepared (the second backend must run on the very same inputs)."""
    d = req["dir"]
    state["dir"] = d
    state["arrays"] = data.load(d) if req.get("load") else data.generate(d)
    out = {}
    for name in WORKLOADS:
        keras.utils.set_random_seed(1234)
        model = build(name)
        state["models"][name] = model
        initial = os.path.join(d, f"{name}_initial.npz")
        if req.get("load"):
            with np.load(initial) as z:
                weights = [z[f"arr_{i}"] for i in range(len(z.files))]
            model.set_weights(weights)
        else:
            np.savez(initial, *model.get_weights())
            export_weights(model, os.path.join(d, f"{name}_weights.json"))
        state["initial"][name] = [w.copy() for w in model.get_weights()]
        out[name] = os.path.join(d, f"{name}_weights.json")
    threads = {"intra": THREADS, "inter": 1}
    if tf is not None:
        threads = {"intra": tf.config.threading.get_intra_op_parallelism_threads(), "inter": tf.config.threading.get_inter_op_parallelism_threads()}
    return {"weights": out, "versions": versions(), "threads": threads}


class BatchClock(keras.callbacks.Callback):
    """Wall-clock time at the end of every training batch: the same clock MaskLens's batch
    progress events give, so 'steps only' is measured the same way on both sides."""

    def __init__(self):
        super().__init__()
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())


def fit_once(model, name):
    w = WORKLOADS[name]
    x, y = arrays(*w["train"])
    clock = BatchClock()
    t0 = time.perf_counter()
    history = model.fit(x, y, epochs=1, batch_size=w["batch"], shuffle=True, verbose=0, callbacks=[clock])
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "batchEnds": [t - t0 for t in clock.ends], "loss": float(history.history["loss"][-1])}


def train(req):
    name = req["workload"]
    if req.get("mode") == "cold":
        # What a script pays for its first epoch: build, compile, load weights, fit (tracing included).
        keras.backend.clear_session()
        t0 = time.perf_counter()
        model = build(name)
        model.set_weights(state["initial"][name])
        r = fit_once(model, name)
        r["seconds"] = time.perf_counter() - t0
        return r
    model = state["models"][name]
    if ("train", name) not in state["warm"]:
        model.set_weights(state["initial"][name])
        fit_once(model, name)  # traces the train function; excluded
        state["warm"].add(("train", name))
    model.set_weights(state["initial"][name])
    return fit_once(model, name)


def evaluate(req):
    name = req["workload"]
    w = WORKLOADS[name]
    model = state["models"][name]
    model.set_weights(state["initial"][name])
    x, y = arrays(*w["eval"])
    if ("evaluate", name) not in state["warm"]:
        model.evaluate(x, y, batch_size=w["eval_batch"], verbose=0)  # traces; excluded
        state["warm"].add(("evaluate", name))
    t0 = time.perf_counter()
    loss = model.evaluate(x, y, batch_size=w["eval_batch"], verbose=0)
    return {"seconds": time.perf_counter() - t0, "loss": float(loss)}


def peak_rss_reset():
    """Resets this process's resident-memory high-water mark (Linux 4.0+), so the next reading is
    the request's own peak; elsewhere the reading is the process's peak so far."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def peak_rss_bytes():
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def peak(_req):
    """Best sustained float32 matmul rate of this TensorFlow on this machine with the
    benchmark's thread count: the practical peak both sides' arithmetic is measured against."""
    if tf is None:
        raise RuntimeError("the matmul peak is measured by the TensorFlow server only")
    n = 2048
    a = tf.random.uniform((n, n), dtype=tf.float32)
    b = tf.random.uniform((n, n), dtype=tf.float32)
    tf.linalg.matmul(a, b).numpy()
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        reps = 4
        for _ in range(reps):
            c = tf.linalg.matmul(a, b)
        c.numpy()
        best = max(best, reps * 2 * n ** 3 / (time.perf_counter() - t0))
    return {"flops": best, "matrix": n}


OPS = {"prepare": prepare, "train": train, "evaluate": evaluate, "peak": peak}


def main():
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything Keras prints must not corrupt the protocol
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            peak_rss_reset()
            reply = {"ok": True, **OPS[req["op"]](req), "peakRssBytes": peak_rss_bytes()}
        except Exception as exc:  # noqa: BLE001 -- reported to the harness, recorded in results
            traceback.print_exc()
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        real_stdout.write(json.dumps(reply) + "\n")
        real_stdout.flush()


if __name__ == "__main__":
    main()
