"""Assertions about real Keras behaviour that the design relies on.  Each check takes
the runtime context of one case and returns (passed, detail).  A failed check makes
generate.py exit non-zero (the fixture is still written: it is the evidence)."""
import numpy as np

RTOL, ATOL = 1e-5, 1e-6


def _close(a, b):
    return bool(np.isclose(a, b, rtol=RTOL, atol=ATOL))


def _first(ctx, class_name):
    for rec in ctx.layers:
        if rec["className"] == class_name:
            return rec
    return None


def embedding_mask_is_input_nonzero(ctx):
    rec = _first(ctx, "Embedding")
    x = ctx.x[0] if isinstance(ctx.x, list) else ctx.x
    if rec is None or rec["mask"] is None:
        return False, "no Embedding output mask"
    ok = np.array_equal(rec["mask"].astype(bool), x != 0)
    return ok, f"mask={rec['mask'].astype(int).tolist()} inputs!=0={(x != 0).astype(int).tolist()}"


def embedding_output_not_zeroed(ctx):
    rec = _first(ctx, "Embedding")
    x = ctx.x[0] if isinstance(ctx.x, list) else ctx.x
    row0 = rec["layer"].get_weights()[0][0]
    masked = rec["output"][x == 0]
    ok = masked.size > 0 and np.allclose(masked, row0) and not np.allclose(masked, 0)
    return bool(ok), "outputs at masked steps equal embeddings[0] (not zero)" if ok else "masked outputs differ from embeddings[0]"


def lstm_masked_step_repeats_previous(ctx):
    rec = _first(ctx, "LSTM")
    mask = rec["mask"]
    if mask is None:
        return False, "LSTM output has no mask"
    out, steps = rec["output"], 0
    for b, t in zip(*np.nonzero(mask == 0)):
        if t == 0:
            continue
        steps += 1
        if not np.array_equal(out[b, t], out[b, t - 1]):
            return False, f"sample {b} step {t}: {out[b, t].tolist()} != previous {out[b, t - 1].tolist()}"
    return steps > 0, f"{steps} masked steps (t>0) repeat the previous output exactly"


def masking_zeroes_masked_steps(ctx):
    rec = _first(ctx, "Masking")
    masked = rec["output"][rec["mask"] == 0]
    return bool(masked.size and np.all(masked == 0)), f"{masked.shape[0]} masked steps, all zero: {bool(np.all(masked == 0))}"


def masking_masks_nothing(ctx):
    rec = _first(ctx, "Masking")
    mask = rec["mask"]
    ok = mask is not None and bool(np.all(mask))
    return ok, "Masking mask is all ones" if ok else f"Masking mask: {None if mask is None else mask.astype(int).tolist()}"


def evaluate_is_mse_of_first_two_steps(ctx):
    expected = float(np.square(ctx.out[0, 0:2] - ctx.y[0, 0:2]).mean())
    return _close(ctx.ev, expected), f"evaluate={ctx.ev!r} mse(first two steps)={expected!r}"


def evaluate_is_nan(ctx):
    return bool(np.isnan(ctx.ev)), f"evaluate={ctx.ev!r}"


def evaluate_is_valid_mean(ctx):
    expected = ctx.red["valid-mean"]
    return _close(ctx.ev, expected), f"evaluate={ctx.ev!r} valid-mean={expected!r}"


def evaluate_is_unmasked_mean(ctx):
    expected = ctx.red["none"]
    return _close(ctx.ev, expected), f"evaluate={ctx.ev!r} none={expected!r}"


def output_mask_is_none(ctx):
    return ctx.out_mask is None, "model output has no mask" if ctx.out_mask is None else "model output has a mask"


CHECKS = {f.__name__: f for f in [
    embedding_mask_is_input_nonzero, embedding_output_not_zeroed, lstm_masked_step_repeats_previous,
    masking_zeroes_masked_steps, masking_masks_nothing, evaluate_is_mse_of_first_two_steps, evaluate_is_nan, evaluate_is_valid_mean,
    evaluate_is_unmasked_mean, output_mask_is_none,
]}


def reductions(L, mask, sw):
    """Reductions of Keras' own per-timestep loss L under each semantics (float64)."""
    L = np.asarray(L, dtype=np.float64)
    m = np.ones_like(L) if mask is None else np.asarray(mask, dtype=np.float64).reshape(L.shape)
    rows = L.reshape(L.shape[0], -1)
    mrows = m.reshape(m.shape[0], -1)
    valid_rows = mrows.sum(1) > 0
    per_row = (rows * mrows).sum(1)[valid_rows] / mrows.sum(1)[valid_rows]
    red = {
        "none": float(L.mean()),
        "valid-mean": float((L * m).sum() / m.sum()) if m.sum() else float("nan"),
        "total-mean": float((L * m).sum() / L.size),
        "sequence-mean": float(per_row.mean()) if per_row.size else float("nan"),
    }
    extra = {"sequenceMeanRowsExcluded": int((~valid_rows).sum())}
    if sw is not None:
        w = np.asarray(sw, dtype=np.float64)
        w = np.broadcast_to(w.reshape(w.shape + (1,) * (L.ndim - w.ndim)), L.shape)
        extra["weightedReductions"] = {
            "none": float((L * w).mean()),
            "valid-mean": float((L * m * w).sum() / (m * w).sum()) if (m * w).sum() else float("nan"),
            "valid-count": float((L * m * w).sum() / m.sum()) if m.sum() else float("nan"),
            "total-mean": float((L * m * w).sum() / L.size),
        }
    return red, extra


def matches(ev, red, extra, rtol=1e-4):
    names = [k for k, v in red.items() if np.isclose(ev, v, rtol=rtol, atol=1e-6, equal_nan=True)]
    for k, v in extra.get("weightedReductions", {}).items():
        if np.isclose(ev, v, rtol=rtol, atol=1e-6, equal_nan=True):
            names.append("weighted:" + k)
    return names
