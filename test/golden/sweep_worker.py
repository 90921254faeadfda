"""Worker process for sweep.py: one Keras release of one family per process.

    sweep_worker.py <family> <version> <out.json> <repo-relative file> [...]

The driver puts the release's install directory first on PYTHONPATH; this worker checks
that the release it imported is the one asked for, then runs every file (as the golden
analysis worker does, on a probe whose inputs are padded differently so OR and AND of two
masks differ) and the loss cases of ``sweep_losses.py``, and writes one compact fixture:
per layer whether a mask arrived and left, how many entries of the output mask are true,
whether Keras warned that the layer destroys the mask; per loss case the few numbers a
reduction needs.  Prints ``@@RESULT {json}`` with the summary for the driver."""
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def emit(obj):
    sys.__stdout__.write("@@RESULT " + json.dumps(obj, sort_keys=True) + "\n")
    sys.__stdout__.flush()


def _np_mask(m):
    import numpy as np

    return np.asarray(m.numpy() if hasattr(m, "numpy") else m).astype(bool)


def layer_row(fam, layer, calls, warned):
    """[name, class, mask in, mask out, true entries of the first output mask, its size, warned, supports_masking]."""
    from tracer import mask_in, mask_out

    first = next((m for c in calls for m in c.out_masks[:1] if m is not None), None)
    true = total = None
    if first is not None:
        arr = _np_mask(first)
        true, total = int(arr.sum()), int(arr.size)
    if calls:
        m_in, m_out = any(mask_in(c) for c in calls), any(mask_out(c) for c in calls)
    elif isinstance(layer, fam.InputLayer):
        m_in = m_out = False
    else:
        m_in = m_out = None
    return [layer.name, type(layer).__name__, m_in, m_out, true, total, layer.name in warned,
            bool(getattr(layer, "supports_masking", False))]


def warned_layers(messages):
    """Layer names Keras 3 warned about ("Layer 'x' (of type X) was passed an input with a mask ... destroy the mask")."""
    import re

    return {m.group(1) for msg in messages for m in [re.match(r"Layer '([^']+)' \(of type", msg)] if m and "destroy the mask" in msg}


def model_entry(fam, name, aliases, model, g, tracer, root):
    import analysis_worker
    import probe
    from tracer import mask_out

    entry = {"name": name, "kind": fam.model_kind(model), "probeError": None}
    if aliases:
        entry["aliases"] = aliases
    caught_messages = []
    try:
        inputs = probe.make_inputs(fam, model, g, stagger=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with tracer.recording():
                model(inputs[0] if len(inputs) == 1 else inputs, training=False)
        caught_messages = [str(w.message) for w in caught]
    except Exception as exc:  # noqa: BLE001 -- a failed probe is a fact of this release
        entry["probeError"] = analysis_worker.describe_error(exc, root)[:300]
        tracer.calls = []
    warned = warned_layers(caught_messages)
    entry["layers"] = [layer_row(fam, l, tracer.calls_of(l), warned) for l in model.layers]
    own = [c for c in tracer.calls if c.layer is model]
    entry["outputMask"] = bool(own and mask_out(own[0])) if own else None
    return entry


def run_file(fam, rel, tracer, root):
    import analysis_worker

    fam.reset()
    g, error, warn_msgs = analysis_worker.execute(fam, rel, root)
    models = [model_entry(fam, var, aliases, model, g, tracer, root) for var, model, aliases in analysis_worker.module_models(fam, g)]
    return {"error": error[:300] if error else None, "models": models,
            "buildWarnings": sorted(warned_layers(warn_msgs))}


def main(argv):
    family, version, out, files = argv[0], argv[1], argv[2], argv[3:]
    import famenv

    try:
        fam = famenv.activate(family)
    except Exception as exc:  # noqa: BLE001 -- a release that cannot import on this TensorFlow is a fact to record
        import traceback

        traceback.print_exc()
        emit({"family": family, "version": version, "cannotRun": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"})
        return
    module = fam.K
    where = os.path.dirname(os.path.dirname(os.path.abspath(module.__file__)))
    expected = os.environ.get("MASKLENS_SWEEP_DIR")
    if fam.version != version or (expected and os.path.realpath(where) != os.path.realpath(expected)):
        raise SystemExit(f"asked for {family} {version} from {expected}, imported {fam.version} from {where}")
    import jsonio
    import sweep_losses
    from tracer import Tracer

    tracer = Tracer(fam)
    fixture = {"family": family, "version": fam.version, "tensorflow": fam.tf.__version__, "files": {}, "losses": {}}
    for rel in files:
        fixture["files"][rel] = run_file(fam, rel, tracer, ROOT)
    for case in sweep_losses.CASES:
        fam.reset()
        fixture["losses"][case.name] = sweep_losses.run(fam, case)
    jsonio.write(out, fixture)
    emit({"family": family, "version": fam.version, "tensorflow": fam.tf.__version__, "files": len(files),
          "fileErrors": sum(1 for f in fixture["files"].values() if f["error"])})


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main(sys.argv[1:])
