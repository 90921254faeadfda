"""Saved-model goldens: small models trained a few steps by real Keras and saved in every
format Keras writes, with what Keras computes from them.

    saved_models.py [--family keras3|tf-keras2] [--only CASE]   # = node tools/golden.mjs --saved

For each case and family it writes, under ``fixtures/saved/``:

* ``<case>.<family>.keras`` (``model.save``), ``<case>.<family>.h5`` (legacy HDF5,
  ``model.save``), ``<case>.<family>.weights.h5`` (``model.save_weights``);
* ``<case>.<family>.json``: the inputs and targets, the loss, every top-level layer's output
  mask from one eager call of the *reloaded* ``.keras`` model (of the trained model itself when a
  source file builds it) (``tracer.py``), the output
  mask, the per-timestep loss and ``model.evaluate`` in one batch.  Every format must give
  the same predictions as the trained model (checked here, before anything is written).

Each family runs in its own process (``famenv.activate`` must run before TensorFlow is
imported).  The saved files are committed: they are small (tens of KB) and a test that
generated them would need the Python venv and about a minute of TensorFlow start-up.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "saved")
sys.path.insert(0, HERE)

import famenv  # noqa: E402  (no TensorFlow import at module level)

TRAIN_SEED = 5


def tagger_data():
    import numpy as np
    rng = np.random.default_rng(TRAIN_SEED)
    x = rng.integers(1, 12, size=(6, 7)).astype("int32")
    for i, n in enumerate([7, 5, 3, 6, 2, 4]):
        x[i, n:] = 0
    y = rng.normal(size=(6, 7, 2)).astype("float32")
    return x, y


def series_data():
    import numpy as np
    rng = np.random.default_rng(TRAIN_SEED + 1)
    x = rng.normal(size=(6, 8, 3)).astype("float32")
    for i, n in enumerate([8, 6, 4, 7, 3, 5]):
        x[i, n:, :] = 0.0
    y = rng.normal(size=(6, 8, 1)).astype("float32")
    return x, y


def build_nested_bidirectional(K):
    """Functional: Embedding mask → Bidirectional LSTM → a nested functional model → BatchNormalization → TimeDistributed Dense."""
    inner_in = K.Input(shape=(None, 6))
    inner_out = K.layers.Dense(3, activation="tanh")(K.layers.Dense(4)(inner_in))
    inner = K.Model(inner_in, inner_out, name="head")
    x_in = K.Input(shape=(7,), dtype="int32")
    h = K.layers.Embedding(12, 4, mask_zero=True)(x_in)
    h = K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True))(h)
    h = inner(h)
    h = K.layers.BatchNormalization()(h)
    out = K.layers.TimeDistributed(K.layers.Dense(2))(h)
    return K.Model(x_in, out), tagger_data, "mse"


def build_sequential_masking_gru(K):
    """Sequential: Masking → GRU → LSTM → Dense, two layers of one class (numbered groups)."""
    model = K.Sequential([
        K.layers.Masking(mask_value=0.0, input_shape=(8, 3)),
        K.layers.GRU(4, return_sequences=True),
        K.layers.LSTM(3, return_sequences=True),
        K.layers.Dense(2, activation="relu"),
        K.layers.Dense(1),
    ])
    return model, series_data, "mae"


def build_attention_layernorm(K):
    """Functional: self-attention over an Embedding mask, residual Add, LayerNormalization, Dense."""
    x_in = K.Input(shape=(7,), dtype="int32")
    e = K.layers.Embedding(12, 4, mask_zero=True)(x_in)
    a = K.layers.MultiHeadAttention(num_heads=2, key_dim=3)(e, e)
    h = K.layers.LayerNormalization()(K.layers.Add()([e, a]))
    out = K.layers.Dense(2)(h)
    return K.Model(x_in, out), tagger_data, "mse"


def from_source(rel):
    """A model a source file builds (``model``), which MaskLens reads from that file: custom
    layers have no config Keras can save without ``get_config``, so only weights are saved."""
    def build(K):
        namespace = {"__name__": "__saved_source__"}
        path = os.path.join(HERE, rel)
        with open(path, encoding="utf-8") as fh:
            exec(compile(fh.read(), path, "exec"), namespace)
        return namespace["model"], tagger_data, "mse"
    build.__doc__ = f"built by {rel}; weights only (save_weights as .weights.h5 and legacy .h5)"
    build.source = rel
    return build


CASES = {
    "nested_bidirectional": build_nested_bidirectional,
    "sequential_masking_gru": build_sequential_masking_gru,
    "attention_layernorm": build_attention_layernorm,
    "custom_residual_block": from_source("saved_sources/custom_residual_block.py"),
}


def run_family(family, only):
    fam = famenv.activate(family)
    import numpy as np
    import jsonio
    from tracer import Tracer

    K = fam.K
    tracer = Tracer(fam)
    os.makedirs(OUT, exist_ok=True)
    for name, build in CASES.items():
        if only and name not in only:
            continue
        fam.reset(famenv.SEED)
        model, data, loss = build(K)
        x, y = data()
        model.compile(optimizer=K.optimizers.Adam(learning_rate=0.01), loss=loss)
        model.fit(x, y, epochs=3, batch_size=3, shuffle=False, verbose=0)
        stem = os.path.join(OUT, f"{name}.{family}")
        source = getattr(build, "source", None)
        expected = model.predict(x, verbose=0)
        h5_load_error = None
        # Keras 3's save_weights writes only `.weights.h5`; tf-keras also writes legacy HDF5 weights.
        legacy_weights = family == "tf-keras2"
        if source:
            model.save_weights(stem + ".weights.h5")
            loaded, _, _ = build(K)
            loaded.load_weights(stem + ".weights.h5")
            np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-7)
            if legacy_weights:
                model.save_weights(stem + ".h5")
                legacy, _, _ = build(K)
                legacy.load_weights(stem + ".h5")
                np.testing.assert_allclose(legacy.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-7)
        else:
            model.save(stem + ".keras")
            model.save(stem + ".h5")
            model.save_weights(stem + ".weights.h5")
            loaded = K.models.load_model(stem + ".keras")
            np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-7)
            # Keras 3 writes the mask operations it records (NotEqual) into a legacy .h5 config
            # and then cannot load that file back: a fact, recorded; the weights are there all the same.
            try:
                np.testing.assert_allclose(K.models.load_model(stem + ".h5").predict(x, verbose=0), expected, rtol=1e-6, atol=1e-7)
            except ValueError as exc:
                h5_load_error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"

        # A model read from its source is compared under the names its first build gave it.
        probe = model if source else loaded
        with tracer.recording():
            out = probe(x, training=False)
        layers = []
        for layer in probe.layers:
            calls = tracer.calls_of(layer)
            mask = calls[0].out_masks[0] if calls else None
            layers.append({"name": layer.name, "className": type(layer).__name__,
                           "mask": None if mask is None else np.asarray(mask).astype(int).tolist()})
        out_mask = fam.get_mask(out)
        per_timestep = np.asarray(K.losses.get(loss)(y, np.asarray(out)))
        evaluated = float(probe.evaluate(x, y, batch_size=len(x), verbose=0))
        store = jsonio.ArrayStore(OUT)
        jsonio.write(stem + ".json", {
            "case": name,
            "about": build.__doc__,
            "family": family,
            "kerasVersion": fam.version,
            "files": {"keras": None if source else f"{name}.{family}.keras", "h5": f"{name}.{family}.h5" if legacy_weights or not source else None, "weightsH5": f"{name}.{family}.weights.h5"},
            "source": f"test/golden/{source}" if source else None,
            "h5LoadError": h5_load_error,
            "trainedWith": "Adam(learning_rate=0.01), 3 epochs of batch 3, shuffle off",
            "inputs": store.array(x),
            "targets": store.array(y),
            "loss": loss,
            "layers": layers,
            "outputMask": None if out_mask is None else np.asarray(out_mask).astype(int).tolist(),
            "output": store.array(np.asarray(out)),
            "perTimestepLoss": store.array(per_timestep),
            "kerasEvaluate": np.float32(evaluated),
        })
        print(f"saved: {name} [{family}] evaluate {evaluated:.6f}", flush=True)


def main(argv):
    families = list(famenv.FAMILIES)
    only = []
    args = iter(argv)
    for a in args:
        if a == "--family":
            families = [next(args)]
        elif a == "--only":
            only.append(next(args))
        elif a == "--in-process":
            run_family(next(args), only)
            return 0
        else:
            raise SystemExit(f"unknown argument {a!r}")
    status = 0
    for family in families:
        cmd = [sys.executable, os.path.abspath(__file__), *sum((["--only", o] for o in only), []), "--in-process", family]
        status |= subprocess.run(cmd, env=famenv.process_env(family), cwd=HERE).returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
