"""Small deterministic probe inputs for a model whose data we do not know."""
import numpy as np

BATCH = 2
FREE_DIM = 6      # used for any unknown (None) non-batch dimension
PAD_STEPS = 2     # sample 0 is padded on its last PAD_STEPS timesteps


def all_layers(model):
    try:
        return model._flatten_layers(include_self=False, recursive=True)
    except Exception:
        return list(getattr(model, "layers", []))


def _shape_list(shape):
    if hasattr(shape, "as_list"):
        return shape.as_list()
    return list(shape)


def input_specs(fam, model, module_globals):
    """[(shape list with None, dtype name)] for each model input, or raises ValueError."""
    specs = []
    try:
        inputs = model.inputs
    except Exception:
        inputs = None
    if inputs:
        for t in inputs:
            dt = t.dtype
            specs.append((_shape_list(t.shape), getattr(dt, "name", str(dt))))
        return specs
    # Subclassed or not-yet-built: use the shape the model was built with.
    shapes = None
    bsd = getattr(model, "_build_shapes_dict", None)
    if bsd:
        shapes = list(bsd.values())
    elif getattr(model, "_build_input_shape", None) is not None:
        shapes = [model._build_input_shape]
    if shapes:
        if len(shapes) == 1 and isinstance(shapes[0], (list, tuple)) and shapes[0] and isinstance(shapes[0][0], (list, tuple)):
            shapes = list(shapes[0])
        return [(_shape_list(s), "float32") for s in shapes]
    x = module_globals.get("x")
    if isinstance(x, np.ndarray):
        return [([None] + list(x.shape[1:]), str(x.dtype))]
    raise ValueError("model input shape unknown (model not built and no module-level `x`)")


def make_inputs(fam, model, module_globals, seed=0, stagger=False):
    """One array per model input. With ``stagger``, input i pads PAD_STEPS + i timesteps, so
    two inputs' masks differ and a merge's OR can be told from its AND (the version sweep)."""
    layers = all_layers(model)
    vocab = [l.input_dim for l in layers if type(l).__name__ == "Embedding"]
    mask_values = [float(l.mask_value) for l in layers if type(l).__name__ == "Masking"]
    rng = np.random.default_rng(seed)
    arrays = []
    for index, (shape, dtype) in enumerate(input_specs(fam, model, module_globals)):
        shape = [BATCH if i == 0 else (FREE_DIM if d is None else int(d)) for i, d in enumerate(shape)]
        is_int = dtype.startswith("int") or dtype.startswith("uint") or (vocab and len(shape) == 2)
        if is_int:
            hi = max(2, min(min(vocab) if vocab else 10, 10))
            a = rng.integers(1, hi, size=shape)
            pad = 0
        else:
            a = rng.normal(size=shape)
            pad = mask_values[0] if mask_values else 0.0
        steps = PAD_STEPS + (index if stagger else 0)
        if len(shape) >= 2 and shape[1] > steps:
            a[0, shape[1] - steps:] = pad
        np_dtype = dtype if dtype in ("int32", "int64", "float32", "float64", "bool") else "float32"
        arrays.append(a.astype(np_dtype))
    return arrays
