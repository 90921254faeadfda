"""Deterministic JSON for golden fixtures.

* keys sorted; objects indented; lists that hold no objects are written on one line;
* float32 numbers (numpy float32 scalars/arrays) are written with the shortest decimal
  that reads back to the same float32; Python floats (float64) with ``repr``;
* non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity"
  (JSON has no literal for them).

Array encoding (``array()``): ``{"shape", "dtype", "values"}`` with ``values`` a flat
row-major list.  Arrays above ``INLINE_MAX`` elements are either stored in a
content-addressed ``.npy`` side file (``"values": null, "npy": "data/<sha>.npy"``,
path relative to the fixture directory) or, when only a check value is needed,
summarised (``"values": null, "digest": {...}``).
"""
import hashlib
import json
import math
import os

import numpy as np

INLINE_MAX = 20000


def _num(v):
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if math.isnan(f):
        return '"NaN"'
    if math.isinf(f):
        return '"Infinity"' if f > 0 else '"-Infinity"'
    if isinstance(v, np.float32):
        s = str(v)
        if s.endswith(".0") or "e" in s or "." in s:
            return s
        return s + ".0"
    return repr(f)


def _has_dict(x):
    if isinstance(x, dict):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_dict(i) for i in x)
    return False


def _enc(x, ind, out):
    pad = "  " * ind
    if isinstance(x, dict):
        if not x:
            out.append("{}")
            return
        out.append("{\n")
        items = sorted(x.items())
        for i, (k, v) in enumerate(items):
            out.append(f"{pad}  {json.dumps(str(k))}: ")
            _enc(v, ind + 1, out)
            out.append(",\n" if i < len(items) - 1 else "\n")
        out.append(pad + "}")
    elif isinstance(x, np.ndarray):
        _enc(x.tolist() if x.dtype.kind in "biu" else [np.float32(v) if x.dtype == np.float32 else float(v) for v in x.ravel()], ind, out)
    elif isinstance(x, (list, tuple)):
        if not x:
            out.append("[]")
        elif _has_dict(x):
            out.append("[\n")
            for i, v in enumerate(x):
                out.append(pad + "  ")
                _enc(v, ind + 1, out)
                out.append(",\n" if i < len(x) - 1 else "\n")
            out.append(pad + "]")
        else:
            out.append("[")
            for i, v in enumerate(x):
                if i:
                    out.append(", ")
                _enc(v, ind + 1, out)
            out.append("]")
    elif x is None:
        out.append("null")
    elif isinstance(x, str):
        out.append(json.dumps(x, ensure_ascii=False))
    elif isinstance(x, (bool, np.bool_, int, float, np.integer, np.floating)):
        out.append(_num(x))
    else:
        raise TypeError(f"cannot encode {type(x).__name__}")


def dumps(obj):
    out = []
    _enc(obj, 0, out)
    out.append("\n")
    return "".join(out)


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = dumps(obj)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def digest(a):
    a = np.asarray(a, dtype=np.float64)
    finite = a[np.isfinite(a)]
    return {
        "count": int(a.size),
        "nanCount": int(np.isnan(a).sum()),
        "sum": float(finite.sum()),
        "sumAbs": float(np.abs(finite).sum()),
        "sumSq": float((finite * finite).sum()),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
        "head": [np.float32(v) for v in a.ravel()[:16]],
    }


class ArrayStore:
    """Encodes arrays for one fixture directory (side files go to ``<dir>/data``)."""

    def __init__(self, fixture_dir):
        self.dir = fixture_dir

    def array(self, a, large="npy", digest_all=False):
        """``large``: "npy" (keep all values in a side file) or "digest" (summary only);
        ``digest_all``: summarise even small arrays."""
        a = np.asarray(a)
        if a.dtype == np.float64 or a.dtype == np.float16:
            a = a.astype(np.float32)
        if a.dtype == np.bool_:
            a = a.astype(np.int32)
        if a.dtype == np.int64:
            a = a.astype(np.int32)
        rec = {"shape": list(a.shape), "dtype": str(a.dtype)}
        if a.size <= INLINE_MAX and not digest_all:
            rec["values"] = a.ravel()
            return rec
        rec["values"] = None
        if large == "digest" or digest_all:
            rec["digest"] = digest(a)
            return rec
        data = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False)
        sha = hashlib.sha256(str(a.dtype).encode() + str(a.shape).encode() + data.tobytes()).hexdigest()[:20]
        rel = f"data/{sha}.npy"
        path = os.path.join(self.dir, rel)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = path + f".{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                np.save(fh, data, allow_pickle=False)
            os.replace(tmp, path)
        rec["npy"] = rel
        return rec
