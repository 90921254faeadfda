"""Records every Keras layer call (input masks, output tensors, output masks) while a
model runs eagerly.  Works for both families by wrapping the base ``Layer.__call__``
(subclasses that override ``__call__`` delegate to it through ``super()``)."""
import contextlib


def _flat(tf, x):
    try:
        return tf.nest.flatten(x)
    except Exception:
        return [x]


def _is_tensor(t):
    return t is not None and hasattr(t, "shape") and hasattr(t, "dtype")


class Call:
    __slots__ = ("seq", "layer", "depth", "in_masks", "explicit_mask", "outputs", "out_masks")


class Tracer:
    def __init__(self, fam):
        self.fam = fam
        self.active = False
        self.calls = []
        self._depth = 0
        self._seq = 0
        self._install()

    def _install(self):
        tracer, fam = self, self.fam
        orig = fam.Layer.__call__
        if getattr(orig, "_masklens_traced", False):
            raise RuntimeError("Layer.__call__ is already traced")

        def traced(layer, *args, **kwargs):
            if not tracer.active:
                return orig(layer, *args, **kwargs)
            rec = Call()
            rec.seq = tracer._seq
            tracer._seq += 1
            rec.layer = layer
            rec.depth = tracer._depth
            tensors = [t for t in _flat(fam.tf, args) if _is_tensor(t)]
            tensors += [t for k, v in kwargs.items() if not k.endswith("mask")
                        for t in _flat(fam.tf, v) if _is_tensor(t)]
            rec.in_masks = [fam.get_mask(t) for t in tensors]
            explicit = kwargs.get("mask")
            rec.explicit_mask = [m for m in _flat(fam.tf, explicit) if m is not None] if explicit is not None else []
            tracer._depth += 1
            try:
                out = orig(layer, *args, **kwargs)
            finally:
                tracer._depth -= 1
            rec.outputs = [t for t in _flat(fam.tf, out) if _is_tensor(t)]
            rec.out_masks = [fam.get_mask(t) for t in rec.outputs]
            tracer.calls.append(rec)
            return out

        traced._masklens_traced = True
        fam.Layer.__call__ = traced

    @contextlib.contextmanager
    def recording(self):
        self.calls = []
        self._depth = 0
        self.active = True
        try:
            yield self
        finally:
            self.active = False
            self.calls.sort(key=lambda c: c.seq)

    def calls_of(self, layer):
        return [c for c in self.calls if c.layer is layer]


def mask_in(call):
    return any(m is not None for m in call.in_masks) or bool(call.explicit_mask)


def mask_out(call):
    return any(m is not None for m in call.out_masks)
