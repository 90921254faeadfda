"""Golden facts for one real-world corpus file under one Keras family (run by generate.py).

    worker.py <family> <stem>

Runs `runnable/<stem>.py` (the corpus file with synthetic data in place of its data
loading) as `__main__` in this fresh process, finds every model it builds (discover.py)
and records, per model: the top-level layers with their classes and the masks that really
leave them in one eager run on the file's data (or on probe inputs when the file gives
none), whether a mask reaches the model's output (where Keras applies it to the loss),
and -- for a compiled model with data -- what `evaluate` reports with fixed weights.

Reuses the golden machinery of test/golden (family activation, call tracer, probe inputs,
fixed weights, deterministic JSON).  Prints one `@@RESULT {json}` line."""
import contextlib
import io
import json
import os
import re
import sys
import tempfile
import traceback
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "golden"))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "runnable"))   # _synthetic.py: the copies' data helpers

WEIGHT_SEED = 7
EVAL_SEED = 11


def main(family, stem):
    import famenv

    fam = famenv.activate(family)
    import numpy as np

    import jsonio
    import probe
    from analysis_worker import describe_error as describe_raw, layer_records, loss_name, sanitize

    # Weights above a few hundred values go to side files: the goldens stay readable.
    jsonio.INLINE_MAX = 512

    def describe_error(exc, root):
        return re.sub(r"\x1b\[[0-9;]*m", "", describe_raw(exc, root))   # Keras 3 bolds its messages
    from discover import ModelFinder
    from runtime_worker import set_weights, weights_record
    from tracer import Tracer, mask_out

    rel = f"test/realworld/runnable/{stem}.py"
    from corpus import digest, entry_files, source_path
    source_file = os.path.relpath(source_path(stem), ROOT).replace(os.sep, "/")
    if os.path.basename(os.path.dirname(source_path(stem))) == stem:
        # a project folder: its modules are importable, as they are for the original script
        sys.path.insert(0, os.path.dirname(source_path(stem)))
    path = os.path.join(ROOT, rel)
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    tracer = Tracer(fam)
    # The file runs as the real `__main__` module, under its absolute path: TensorFlow's
    # autograph reads a custom layer's `call` source through the class's module and file.
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    g = module.__dict__
    error = None
    warn_msgs = []
    finder = ModelFinder(fam, path)
    workdir = tempfile.mkdtemp(prefix="masklens-realworld-")
    os.chdir(workdir)   # anything the file writes lands in a throwaway folder
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(io.StringIO()), finder:
                exec(compile(source, path, "exec"), g)
        except BaseException as exc:  # noqa: BLE001 -- SystemExit etc. are facts too
            error = describe_error(exc, ROOT)
            traceback.print_exc()
    warn_msgs.extend(str(w.message) for w in caught)

    data = g.get("MASKLENS_DATA", {})
    store = jsonio.ArrayStore(os.path.join(HERE, "goldens"))
    records = []
    for name, aliases, model in finder.models(g):
        rec = model_record(fam, np, probe, tracer, name, aliases, model, data.get(name), g, stem, store,
                           helpers=(describe_error, layer_records, loss_name, set_weights, weights_record, mask_out),
                           warn_sink=warn_msgs)
        records.append(rec)

    mask_warnings = []
    for msg in warn_msgs:
        msg = sanitize(msg, ROOT)
        if "mask" in msg.lower() and msg not in mask_warnings:
            mask_warnings.append(msg)
    fixture = {
        "file": source_file,
        "runnable": rel,
        "madeFrom": {"source": digest(entry_files(stem), ROOT), "runnable": digest([path, os.path.join(HERE, "runnable", "_synthetic.py")], ROOT)},
        "family": fam.name,
        "kerasVersion": fam.version,
        "error": error,
        "models": records,
        "maskWarnings": mask_warnings,
    }
    out = os.path.join(HERE, "goldens", f"{stem}.{family}.json")
    jsonio.write(out, fixture)
    sys.__stdout__.write("@@RESULT " + json.dumps({
        "stem": stem, "family": family, "error": error, "models": [r["name"] for r in records],
        "evaluated": [r["name"] for r in records if r.get("evaluate") and "loss" in r["evaluate"]],
    }) + "\n")


def ordered_inputs(model, x):
    """The model's inputs as a list in `model.inputs` order (dict inputs are keyed by Input name)."""
    if isinstance(x, dict):
        names = [t.name.split(":")[0] for t in model.inputs]
        return [x[n] for n in names]
    return list(x) if isinstance(x, (list, tuple)) else [x]


def save_npy(np, path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    array = np.ascontiguousarray(array)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    if array.dtype == np.int64:
        array = array.astype(np.int32)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)
    if os.path.exists(path):
        with open(path, "rb") as a, open(tmp, "rb") as b:
            if a.read() != b.read():
                os.remove(tmp)
                raise RuntimeError(f"{path}: the families' synthetic data differ (seed the data with numpy)")
    os.replace(tmp, path)
    return os.path.relpath(path, ROOT).replace(os.sep, "/")


def model_record(fam, np, probe, tracer, name, aliases, model, given, g, stem, store, helpers, warn_sink):
    describe_error, layer_records, loss_name, set_weights, weights_record, mask_out = helpers
    rec = {"name": name, "kerasName": model.name, "kind": fam.model_kind(model),
           "loss": loss_name(getattr(model, "loss", None))}
    if aliases:
        rec["aliases"] = aliases
    xs = y = None          # xs: the inputs in `model.inputs` order (one data file each)
    call_x = None          # the inputs as the file passes them (a dict stays a dict)
    if given is not None:
        call_x, y = (given["x"], given.get("y")) if isinstance(given, dict) else given
        xs = ordered_inputs(model, call_x)
        rec["inputSource"] = "the file's data (synthetic, see the runnable copy)"
    rec["runError"] = None
    try:
        if xs is None:
            xs = probe.make_inputs(fam, model, g)
            call_x = xs[0] if len(xs) == 1 else xs
            rec["inputSource"] = "probe inputs (the file gives no data for this model)"
        model(call_x, training=False)          # builds a subclassed/deferred model
        set_weights(model, WEIGHT_SEED)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with tracer.recording():
                model(call_x, training=False)
        warn_sink.extend(str(w.message) for w in caught)
    except Exception as exc:
        rec["runError"] = describe_error(exc, ROOT)
        tracer.calls = []
    rec["inputs"] = [{"shape": list(np.shape(a)), "dtype": str(np.asarray(a).dtype)} for a in xs] if xs is not None else []
    rec["layers"] = layer_records(fam, model, tracer)
    own = [c for c in tracer.calls if c.layer is model]
    rec["outputMask"] = bool(mask_out(own[0])) if own else None
    rec["evaluate"] = evaluate_record(fam, np, model, xs, call_x, y, name, stem, store, rec, describe_error, weights_record)
    return rec


def evaluate_record(fam, np, model, x, call_x, y, name, stem, store, rec, describe_error, weights_record):
    """What Keras' evaluate reports with the fixed weights, and the files MaskLens is given."""
    if rec["runError"]:
        return {"skipped": "the model did not run on its data"}
    if y is None:
        return {"skipped": "the file gives no targets for this model"}
    if getattr(model, "loss", None) is None:
        return {"skipped": "the file does not compile this model"}
    if any(np.asarray(a).dtype.kind not in "biuf" for a in x):
        return {"skipped": "the model reads text (strings): no numeric data file to give MaskLens"}
    safe = name.replace(".", "_")
    folder = os.path.join(HERE, "data", stem)
    xs = [save_npy(np, os.path.join(folder, f"{safe}.x{i if len(x) > 1 else ''}.npy"), np.asarray(a)) for i, a in enumerate(x)]
    ys = list(y) if isinstance(y, (list, tuple)) else [y]
    y_files = [save_npy(np, os.path.join(folder, f"{safe}.y{i if len(ys) > 1 else ''}.npy"), np.asarray(a)) for i, a in enumerate(ys)]
    out = {"x": xs, "y": y_files, "batchSize": int(np.shape(x[0])[0]),
           "weights": weights_record(store, model, "npy"),
           "weightsSource": "numpy, fixed seed (test/golden/runtime_worker.set_weights), identical for both families"}
    try:
        fam.K.utils.set_random_seed(EVAL_SEED)
        logs = model.evaluate(call_x, ys[0] if len(ys) == 1 else ys,
                              batch_size=out["batchSize"], verbose=0, return_dict=True)
    except Exception as exc:
        out["error"] = describe_error(exc, ROOT)
        return out
    out["loss"] = float(logs["loss"])
    names = list(getattr(model, "output_names", None) or [])
    if len(ys) > 1:
        out["outputNames"] = names
        out["outputLosses"] = [float(logs[f"{n}_loss"]) if f"{n}_loss" in logs else None for n in names]
    return out


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
