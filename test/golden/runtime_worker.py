"""Runtime fixture for one case under one family (run by worker.py)."""
import json
import os
import sys
import traceback
import types

import numpy as np

import jsonio
import runtime_checks
from tracer import Tracer

_TRACER = None
HERE = os.path.dirname(os.path.abspath(__file__))


def _load_cases():
    """Import runtime_cases.py under a repo-relative file name: Keras serializes Lambda
    functions as marshalled bytecode, which embeds the file name; an absolute path would
    make the fixtures depend on where the repository is checked out."""
    rel = "test/golden/runtime_cases.py"
    module = types.ModuleType("runtime_cases")
    module.__file__ = rel
    sys.modules["runtime_cases"] = module
    with open(os.path.join(HERE, "runtime_cases.py"), encoding="utf-8") as fh:
        exec(compile(fh.read(), rel, "exec"), module.__dict__)
    return module.CASES_BY_NAME


CASES_BY_NAME = _load_cases()


def _np(t):
    return None if t is None else np.asarray(t)


def weight_values(name, shape, rng):
    """Deterministic numpy weights, identical for both families."""
    if name in ("gamma", "moving_variance"):
        return 1.0 + rng.uniform(-0.1, 0.1, size=shape)
    if name in ("beta", "moving_mean", "bias") or len(shape) < 2:
        return rng.uniform(-0.1, 0.1, size=shape)
    if name == "embeddings":
        return rng.uniform(-0.5, 0.5, size=shape)
    fan_in, fan_out = int(np.prod(shape[:-1])), int(shape[-1])
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, size=shape)


def _short(v):
    path = getattr(v, "path", None) or v.name
    path = path.split(":")[0]
    return path.rsplit("/", 1)[-1], path


def set_weights(model, seed):
    for li, layer in enumerate(model.layers):
        vals = []
        for wi, v in enumerate(layer.weights):
            rng = np.random.default_rng([seed, li, wi])
            vals.append(weight_values(_short(v)[0], tuple(v.shape), rng).astype("float32"))
        if vals:
            layer.set_weights(vals)


def weights_record(store, model, large, digest_all=False):
    out = []
    for layer in model.layers:
        if not layer.weights:
            continue
        ws = []
        for v, val in zip(layer.weights, layer.get_weights()):
            short, path = _short(v)
            rec = store.array(val, large=large, digest_all=digest_all)
            rec.update({"name": short, "path": path})
            ws.append(rec)
        out.append({"layer": layer.name, "weights": ws})
    return out


def _static_shape(layer):
    try:
        s = layer.output.shape
        return s.as_list() if hasattr(s, "as_list") else list(s)
    except Exception:
        return None


def forward(fam, model, x, output=None):
    global _TRACER
    _TRACER = _TRACER or Tracer(fam)
    with _TRACER.recording():
        out = model(x, training=False)
    if output is not None:
        out = out[output]
    layers = []
    inputs = x if isinstance(x, list) else [x]
    n_input = 0
    for layer in model.layers:
        calls = _TRACER.calls_of(layer)
        rec = {"layer": layer, "name": layer.name, "className": type(layer).__name__,
               "outputShape": _static_shape(layer)}
        if calls:
            rec["output"] = _np(calls[0].outputs[0])
            rec["mask"] = _np(calls[0].out_masks[0])
        elif isinstance(layer, fam.InputLayer):
            rec["output"], rec["mask"] = inputs[n_input], None
            n_input += 1
        else:
            rec["output"], rec["mask"] = None, None
        layers.append(rec)
    return _np(out), _np(fam.get_mask(out)), layers


def mask_json(m):
    return None if m is None else np.asarray(m).astype(int).tolist()


def run_case(fam, name, outdir, root):
    case = CASES_BY_NAME[name]
    rel = os.path.join("runtime", f"{name}.{fam.name}.json")
    result = {"kind": "runtime", "case": name, "family": fam.name, "fixture": None, "checks": [], "error": None}
    if fam.name not in case.families:
        result["skipped"] = f"case not defined for {fam.name}"
        return result
    try:
        fixture = build_fixture(fam, case, os.path.join(outdir, "runtime"))
    except Exception as exc:
        traceback.print_exc()
        message = f"{type(exc).__name__}: {exc}".replace(root + os.sep, "")[:4000]
        if case.expected_errors.get(fam.name) == type(exc).__name__:
            result["skipped"] = f"Keras raises (expected, recorded as a fact): {message}"
        else:
            result["error"] = message
        return result
    jsonio.write(os.path.join(outdir, rel), fixture)
    result["fixture"] = rel.replace(os.sep, "/")
    result["checks"] = fixture["checks"]
    result["matchesKerasEvaluate"] = fixture["matchesKerasEvaluate"]
    return result


def build_fixture(fam, case, fixture_dir):
    store = jsonio.ArrayStore(fixture_dir)
    K = fam.K
    fam.reset(case.seed + 1)
    x, y, sw = case.data()
    all_y = y
    if case.output is not None:
        y = all_y[case.output]
    model = case.build(K)
    set_weights(model, case.seed + 7)
    init = [w.copy() for w in model.get_weights()]
    big = sum(w.size for w in init) > jsonio.INLINE_MAX

    out, out_mask, layers = forward(fam, model, x, case.output)
    if case.loss == "compiled":
        # The loss the source file compiles the model with (the user's own): what it returns on
        # plain arrays, where no Keras mask reaches it.
        loss_obj = model._compile_config.config["loss"]
        L = np.asarray(custom_loss_values(fam, loss_obj, y, out.copy()))
    else:
        L = np.asarray(fam.loss_none(case.loss, case.loss_kwargs)(y, out.copy()))
        loss_obj = fam.make_loss(case.loss, case.loss_kwargs)

    batch = len(y)
    metrics = {}
    given_metrics, given_weighted = make_metrics(K, case.metrics), make_metrics(K, case.weighted_metrics)
    if case.compiled_metrics:
        # The metric objects and functions the source file compiles the model with.
        compiled = model._compile_config.config
        given_metrics, given_weighted = compiled.get("metrics"), compiled.get("weighted_metrics")
    if case.output is None and (given_metrics or given_weighted):
        model.compile(optimizer=K.optimizers.SGD(learning_rate=0.01), loss=loss_obj,
                      metrics=given_metrics, weighted_metrics=given_weighted)
        logs = model.evaluate(x, y, sample_weight=sw, batch_size=batch, verbose=0, return_dict=True)
        ev = float(logs["loss"])
        metrics = metric_records(fam, model, logs, y, out, sw, out_mask)
    elif case.output is None:
        model.compile(optimizer=K.optimizers.SGD(learning_rate=0.01), loss=loss_obj)
        ev = float(model.evaluate(x, y, sample_weight=sw, batch_size=batch, verbose=0))
    else:
        # Keras sums one loss term per output and reports each as `<output name>_loss`.
        names = list(model.output_names)
        losses = [loss_obj if i == case.output else other for i, other in enumerate(case.other_losses)]
        model.compile(optimizer=K.optimizers.SGD(learning_rate=0.01), loss=losses)
        logs = model.evaluate(x, all_y, batch_size=batch, verbose=0, return_dict=True)
        ev = float(logs[f"{names[case.output]}_loss"])
    if case.loss == "compiled":
        loss_config = getattr(loss_obj, "__name__", None) or type(loss_obj).__name__
    else:
        try:
            loss_config = _jsonable(model.get_compile_config()["loss"])
        except Exception:
            loss_config = _jsonable(fam.serialize_loss(loss_obj))
    if L.ndim == 0 or (out_mask is not None and L.shape != np.asarray(out_mask).shape):
        # A loss that returns one number (or one per sample against a per-timestep mask): no
        # per-position values for the reductions to weight.
        red, extra = None, {}
    else:
        red, extra = runtime_checks.reductions(L, out_mask, sw)

    train = {}
    # A stochastic layer (Dropout) makes Keras' own training step random: nothing to compare.
    optimizers = () if case.stochastic or case.output is not None else (("SGD", lambda: K.optimizers.SGD(learning_rate=0.01)), ("Adam", lambda: K.optimizers.Adam()))
    for opt_name, make_opt in optimizers:
        model.set_weights(init)
        K.utils.set_random_seed(case.seed + 11)
        opt = make_opt()
        model.compile(optimizer=opt, loss=loss_obj if case.loss == "compiled" else fam.make_loss(case.loss, case.loss_kwargs))
        step_loss = model.train_on_batch(x, y, sample_weight=sw, class_weight=case.class_weight)
        step_loss = float(np.asarray(step_loss).ravel()[0])
        train[opt_name] = {"optimizer": {"className": type(opt).__name__, "config": _jsonable(opt.get_config())},
                           "loss": np.float32(step_loss),
                           "weights": weights_record(store, model, "digest", digest_all=big)}
    model.set_weights(init)
    history = None
    if case.fit_epochs:
        # What Keras reports as each epoch's `loss` in History: the mean of the batch losses during
        # the epoch (one batch here, so the loss before that epoch's step), class_weight applied.
        K.utils.set_random_seed(case.seed + 13)
        model.compile(optimizer=K.optimizers.SGD(learning_rate=0.01), loss=fam.make_loss(case.loss, case.loss_kwargs))
        fitted = model.fit(x, y, sample_weight=sw, class_weight=case.class_weight, batch_size=batch,
                           epochs=case.fit_epochs, shuffle=False, verbose=0)
        history = {"epochs": case.fit_epochs, "optimizer": "SGD", "learningRate": 0.01, "batchSize": batch,
                   "loss": [np.float32(v) for v in fitted.history["loss"]]}
        model.set_weights(init)

    ctx = types.SimpleNamespace(x=x, y=y, sw=sw, out=out, out_mask=out_mask, layers=layers, L=L, ev=ev, red=red)
    checks = []
    for check in case.checks:
        passed, detail = runtime_checks.CHECKS[check](ctx)
        checks.append({"name": check, "passed": bool(passed), "detail": detail})

    arr = lambda a, large="npy": store.array(a, large=large)  # noqa: E731
    inputs = [arr(a) for a in x] if isinstance(x, list) else arr(x)
    return {
        "case": case.name,
        "about": case.about,
        "source": None if case.source is None else {"file": f"test/golden/corpus/{case.source[0]}.py", "model": case.source[1]},
        "family": fam.name,
        "kerasVersion": fam.version,
        "config": json.loads(model.to_json()),
        "weights": weights_record(store, model, "npy"),
        "weightsSource": "numpy, fixed seed, identical for every family (runtime_worker.weight_values)",
        "inputs": inputs,
        "targets": arr(y),
        "sampleWeight": None if sw is None else arr(sw),
        "loss": {"name": loss_config if case.loss == "compiled" else case.loss, "kwargs": case.loss_kwargs, "config": loss_config,
                 "custom": case.loss == "compiled"},
        "layers": [{"name": r["name"], "className": r["className"], "outputShape": r["outputShape"],
                    "mask": mask_json(r["mask"]),
                    "output": None if r["output"] is None else arr(r["output"], "digest")} for r in layers],
        "output": arr(out, "digest"),
        "outputMask": mask_json(out_mask),
        "perTimestepLoss": arr(L),
        "kerasEvaluate": np.float32(ev),
        "metrics": {"given": metric_specs(case.metrics), "weighted": metric_specs(case.weighted_metrics), "reported": metrics,
                    **({"compiled": True, "given": metric_names(given_metrics), "weighted": metric_names(given_weighted)}
                       if case.compiled_metrics else {})} if metrics else None,
        "fitHistory": history,
        "reductions": red,
        "reductionsDerivedFrom": "keras perTimestepLoss and output mask",
        **extra,
        "matchesKerasEvaluate": runtime_checks.matches(ev, red, extra) if red is not None else [],
        "train": train,
        "classWeight": None if case.class_weight is None else {str(k): v for k, v in case.class_weight.items()},
        "outputIndex": case.output,
        "trainDeterministic": not case.stochastic,
        "stochasticLayers": list(case.stochastic),
        "bigModel": big,
        "checks": checks,
    }


def custom_loss_values(fam, loss, y, out):
    """The user's loss on plain arrays: a Loss subclass's own `call` (before Keras reduces it), or the function."""
    tf = fam.tf
    if isinstance(loss, fam.K.losses.Loss):
        return loss.call(tf.constant(y), tf.constant(out))
    return loss(tf.constant(y), tf.constant(out))


def make_metrics(K, specs):
    """A case's metrics as compile() takes them: names, or (class name, kwargs) made into objects."""
    if not specs:
        return None
    return [s if isinstance(s, str) else getattr(K.metrics, s[0])(**s[1]) for s in specs]


def metric_specs(specs):
    """The same metrics as MaskLens reads them from source: names, or {class_name, config}."""
    return [s if isinstance(s, str) else {"class_name": s[0], "config": dict(s[1])} for s in specs]


def metric_names(given):
    """The source's own metrics by what they are: a function's name, or a Metric subclass and its name."""
    return [m if isinstance(m, str) else getattr(m, "__name__", None) or {"class_name": type(m).__name__, "name": m.name}
            for m in (given or [])]


def fresh_metric(metric):
    """A new metric like `metric`, its state empty: a wrapped function wraps the same function."""
    fn = getattr(metric, "_fn", None)
    if fn is not None and type(metric).__name__ == "MeanMetricWrapper":
        return type(metric)(fn, name=metric.name)
    return type(metric).from_config(metric.get_config())


def _compiled_metric_objects(fam, model):
    """The metric objects `compile(metrics=, weighted_metrics=)` made, in Keras' order, and whether each is weighted."""
    if fam.name == "keras3":
        cm = model._compile_metrics
        plain = [m for lst in cm._flat_metrics if lst is not None for m in lst.metrics]
        weighted = [m for lst in cm._flat_weighted_metrics if lst is not None for m in lst.metrics]
    else:
        cm = model.compiled_metrics
        plain = [m for out in cm._metrics for m in (out or []) if m is not None]
        weighted = [m for out in cm._weighted_metrics for m in (out or []) if m is not None]
    return [(m, False) for m in plain] + [(m, True) for m in weighted]


def metric_records(fam, model, logs, y, out, sw, out_mask):
    """Per compiled metric: the value Keras' evaluate reported (the output mask applied as Keras
    applies it), the class (and function) Keras resolved the name to, the same metric on the
    plain arrays (no mask reaches it), with the sample weights where Keras uses them, and, where
    a mask reaches the output, the metric with that mask as its sample weights ("masked")."""
    records = {}
    for metric, weighted in _compiled_metric_objects(fam, model):
        name = metric.name if not weighted or metric.name.startswith("weighted_") else f"weighted_{metric.name}"
        fn = getattr(metric, "_fn", None)
        fresh = fresh_metric(metric)
        fresh.update_state(y, out.copy(), sample_weight=sw if weighted else None)
        records[name] = {
            "className": type(metric).__name__,
            "function": getattr(fn, "__name__", None),
            "weighted": weighted,
            "keras": np.float32(logs[name]),
            "unmasked": np.float32(float(fresh.result())),
        }
        if out_mask is not None:
            weight = np.asarray(out_mask, dtype="float32")
            if weighted and sw is not None:
                weight = weight * np.asarray(sw, dtype="float32").reshape(len(weight), -1)
            masked = fresh_metric(metric)
            masked.update_state(y, out.copy(), sample_weight=weight)
            records[name]["masked"] = np.float32(float(masked.result()))
    return records


def _jsonable(obj):
    return json.loads(json.dumps(obj, default=lambda o: o.item() if hasattr(o, "item") else str(o)))
