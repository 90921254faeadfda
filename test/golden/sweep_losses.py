"""The version sweep's loss cases: what `evaluate` reports for a masked sequence output,
with and without sample weights of each shape, and whether compiled metrics see the mask.

Each case is a two-layer model (Embedding with mask_zero, then Dense) on a fixed batch of
two padded sequences, with seeded weights (the same in every release).  The fixture keeps
what a reduction needs and nothing more: the per-timestep loss L (2 x 4, from the loss
function itself, so unmasked), the output mask, the weights used, and `evaluate`'s number
(or the exception) per weight shape."""
from dataclasses import dataclass, field

import numpy as np

X = np.array([[1, 2, 3, 0], [4, 5, 0, 0]], dtype="int32")
WEIGHTS = {
    "none": None,
    "perSample": np.array([2.0, 0.5], dtype="float32"),
    "perSampleColumn": np.array([[2.0], [0.5]], dtype="float32"),
    "perTimestep": np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 1.0, 1.0, 2.0]], dtype="float32"),
}


@dataclass
class Case:
    name: str
    about: str
    loss: str
    kwargs: dict = field(default_factory=dict)
    # The name MaskLens' worker gives the Loss' reduction (src/worker/losses.ts KerasReduction).
    reduction: str = "sum_over_batch_size"


CASES = [
    Case("mse", "mean_squared_error by name (reduction sum_over_batch_size)", "mean_squared_error"),
    Case("mse_sum", "MeanSquaredError(reduction='sum')", "MeanSquaredError", {"reduction": "sum"}, "sum"),
]


def build(fam):
    import runtime_worker

    K = fam.K
    inp = K.Input((4,), dtype="int32")
    h = K.layers.Embedding(6, 3, mask_zero=True)(inp)
    out = K.layers.Dense(2)(h)
    model = K.Model(inp, out)
    runtime_worker.set_weights(model, 7)
    return model


def _short_error(exc):
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


def _evaluate(model, y, sw):
    try:
        result = model.evaluate(X, y, sample_weight=sw, batch_size=len(X), verbose=0)
    except Exception as exc:  # noqa: BLE001 -- Keras refusing a weight shape is a fact of the release
        return None, _short_error(exc)
    return result if isinstance(result, list) else [result], None


def _loss_object(fam, case):
    return getattr(fam.K.losses, case.loss)(**case.kwargs) if case.kwargs else case.loss


def run(fam, case):
    model = build(fam)
    y = np.random.default_rng(11).normal(size=(2, 4, 2)).astype("float32")
    out = model(X, training=False)
    mask = fam.get_mask(out)
    per_step = fam.K.losses.get("mean_squared_error")(y, out)
    rec = {
        "about": case.about,
        "reduction": case.reduction,
        "L": np.asarray(per_step, dtype="float64").tolist(),
        "mask": None if mask is None else np.asarray(mask).astype(int).tolist(),
        "weights": {k: None if v is None else v.tolist() for k, v in WEIGHTS.items()},
        "evaluate": {},
        "errors": {},
    }
    model.compile(optimizer="sgd", loss=_loss_object(fam, case), metrics=["mae"])
    for key, sw in WEIGHTS.items():
        values, error = _evaluate(model, y, sw)
        rec["evaluate"][key] = None if values is None else float(values[0])
        if error:
            rec["errors"][key] = error
        if key == "none" and values is not None:
            rec["metricMasked"] = _metric_masked(np.asarray(out), y, mask, float(values[1]))
    return rec


def _metric_masked(out, y, mask, reported):
    """Whether the compiled `mae` metric averaged over the valid timesteps only."""
    err = np.abs(out - y).mean(axis=-1)
    m = np.ones_like(err) if mask is None else np.asarray(mask).astype("float64")
    masked = (err * m).sum() / m.sum()
    unmasked = err.mean()
    if np.isclose(reported, masked, rtol=1e-5) and not np.isclose(masked, unmasked, rtol=1e-5):
        return True
    if np.isclose(reported, unmasked, rtol=1e-5):
        return False
    return None
