"""Analysis fixture for one example/corpus file under one family (run by worker.py).

Executes the file as ``__main__`` in this (fresh) process, then for every module-level
Keras model records its config, compiled loss and, from one eager run on a probe input,
the actual mask presence at the input and output of each top-level layer."""
import contextlib
import io
import json
import os
import re
import traceback
import warnings

import probe
from tracer import Tracer, mask_in, mask_out

MAX_MSG = 4000


def sanitize(text, root):
    text = text.replace(root + os.sep, "").replace(root, ".")
    text = re.sub(r"0x[0-9a-fA-F]{6,}", "0x?", text)
    return text[:MAX_MSG]


def describe_error(exc, root):
    return sanitize(f"{type(exc).__name__}: {exc}", root)


def loss_name(loss):
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, (list, tuple)):
        return [loss_name(l) for l in loss]
    if isinstance(loss, dict):
        return {str(k): loss_name(v) for k, v in loss.items()}
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


def _static_shape(layer):
    try:
        out = layer.output
    except Exception:
        return None
    def one(t):
        s = t.shape
        return s.as_list() if hasattr(s, "as_list") else list(s)
    try:
        return [one(t) for t in out] if isinstance(out, (list, tuple)) else one(out)
    except Exception:
        return None


def layer_records(fam, model, tracer):
    records = []
    for layer in model.layers:
        calls = tracer.calls_of(layer)
        rec = {
            "name": layer.name,
            "className": type(layer).__name__,
            "supportsMasking": bool(getattr(layer, "supports_masking", False)),
            "calls": len(calls),
            "outputShape": _static_shape(layer),
            # Keras' own weight count (every weight, trainable or not): MaskLens' memory estimate is checked against it.
            "params": layer.count_params() if layer.built else None,
        }
        if calls:
            rec["maskIn"] = any(mask_in(c) for c in calls)
            rec["maskOut"] = any(mask_out(c) for c in calls)
            if len(calls) > 1:
                rec["callMasks"] = [{"maskIn": mask_in(c), "maskOut": mask_out(c)} for c in calls]
        elif isinstance(layer, fam.InputLayer):
            rec["maskIn"] = rec["maskOut"] = False
        else:
            rec["maskIn"] = rec["maskOut"] = None
        records.append(rec)
    return records


def model_record(fam, name, aliases, model, g, tracer, root, warn_sink):
    rec = {"name": name, "kind": fam.model_kind(model), "loss": loss_name(getattr(model, "loss", None))}
    if aliases:
        rec["aliases"] = aliases
    try:
        rec["config"] = json.loads(model.to_json())
    except Exception as exc:
        rec["config"], rec["configError"] = None, describe_error(exc, root)
    rec["probeError"] = None
    try:
        inputs = probe.make_inputs(fam, model, g)
        rec["probeInputs"] = [{"shape": list(a.shape), "dtype": str(a.dtype)} for a in inputs]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with tracer.recording():
                model(inputs[0] if len(inputs) == 1 else inputs, training=False)
        warn_sink.extend(str(w.message) for w in caught)
    except Exception as exc:
        rec["probeError"] = describe_error(exc, root)
        tracer.calls = []
    rec["layers"] = layer_records(fam, model, tracer)
    out_masks = [c for c in tracer.calls if c.layer is model]
    rec["outputMask"] = bool(out_masks and mask_out(out_masks[0])) if out_masks else None
    return rec


def execute(fam, rel_path, root):
    """Runs the file as ``__main__``: its globals, the exception it raised (or None) and the warnings it gave."""
    path = os.path.join(root, rel_path)
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    g = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    error = None
    warn_msgs = []
    stdout = io.StringIO()
    os.chdir(root)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(stdout):
                exec(compile(source, rel_path, "exec"), g)
        except BaseException as exc:  # noqa: BLE001 -- SystemExit etc. are facts too
            error = describe_error(exc, root)
            traceback.print_exc()
    warn_msgs.extend(str(w.message) for w in caught)
    return g, error, warn_msgs


def module_models(fam, g):
    """Every module-level Keras model once, in definition order: [(variable, model, other variables bound to it)]."""
    seen, models = {}, []
    for var, value in list(g.items()):
        if var.startswith("__") or not isinstance(value, fam.Model):
            continue
        if id(value) in seen:
            seen[id(value)][1].append(var)
            continue
        seen[id(value)] = (var, [])
        models.append((var, value))
    return [(var, model, seen[id(model)][1]) for var, model in models]


def mask_messages(warn_msgs, root):
    out = []
    for msg in warn_msgs:
        msg = sanitize(msg, root)
        if "mask" in msg.lower() and msg not in out:
            out.append(msg)
    return out


def run(fam, rel_path, root):
    tracer = Tracer(fam)
    g, error, warn_msgs = execute(fam, rel_path, root)
    records = [model_record(fam, var, aliases, model, g, tracer, root, warn_msgs) for var, model, aliases in module_models(fam, g)]
    return {
        "file": rel_path,
        "family": fam.name,
        "kerasVersion": fam.version,
        "error": error,
        "models": records,
        "maskWarnings": mask_messages(warn_msgs, root),
    }
