"""Which Keras models a corpus file builds, and under which names.

Real code rarely leaves its models at module level: they are built and returned by
functions, kept on an object (`self.model`), or live only inside `main()`.  While the file
runs, a profile hook looks at the local variables of every function of the file when it
returns; after the run, module globals and the attributes of module-level objects are
scanned too.  Each model object is reported once, under every name it was seen with (a
module-level name first).

A model held by a layer or model class defined in the file (a `Sequential` feed-forward
block inside a custom transformer layer, a sub-block of a subclassed model) is part of
that layer, not a model of its own, and is left out."""
import sys

MAIN = "__main__"


def _user_object(obj, fam):
    """An instance of a layer/model class the corpus file defines itself."""
    return isinstance(obj, fam.Layer) and type(obj).__module__ == MAIN


class ModelFinder:
    def __init__(self, fam, filename):
        self.fam = fam
        self.filename = filename
        self._names = {}     # id(model) -> [names]
        self._models = {}    # id(model) -> model (kept alive: locals die with their frame)
        self._order = []

    def _see(self, name, model):
        key = id(model)
        if key not in self._models:
            self._models[key] = model
            self._names[key] = []
            self._order.append(key)
        if name not in self._names[key]:
            self._names[key].append(name)

    def _scan_object(self, prefix, obj):
        for attr, value in list(getattr(obj, "__dict__", {}).items()):
            if isinstance(value, self.fam.Model):
                self._see(f"{prefix}.{attr}", value)

    def _profile(self, frame, event, _arg):
        if event != "return" or frame.f_code.co_filename != self.filename:
            return
        local = frame.f_locals
        owner = local.get("self")
        if owner is not None and isinstance(owner, self.fam.Layer):
            return   # inside a layer's or model's own methods: its parts, not user models
        for name, value in list(local.items()):
            if name == "self":
                continue
            if isinstance(value, self.fam.Model):
                self._see(name, value)
        if owner is not None:
            self._scan_object("self", owner)

    def __enter__(self):
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)
        return False

    def models(self, module_globals):
        """[(name, aliases, model)]: module-level names first, then the order models were seen."""
        fam = self.fam
        module_level = []
        for var, value in list(module_globals.items()):
            if var.startswith("__"):
                continue
            if isinstance(value, fam.Model):
                module_level.append((var, value))
            elif not isinstance(value, (type, fam.Layer)) and hasattr(value, "__dict__") and type(value).__module__ == MAIN:
                for attr, inner in list(value.__dict__.items()):
                    if isinstance(inner, fam.Model):
                        module_level.append((f"{var}.{attr}", inner))
        found = {}
        order = []
        for name, model in module_level:
            if id(model) not in found:
                found[id(model)] = (model, [])
                order.append(id(model))
            found[id(model)][1].append(name)
        for key in self._order:
            model = self._models[key]
            if key not in found:
                found[key] = (model, [])
                order.append(key)
            for name in self._names[key]:
                if name not in found[key][1]:
                    found[key][1].append(name)
        inner = self._parts_of_user_layers([found[k][0] for k in order])
        return [(found[k][1][0], found[k][1][1:], found[k][0]) for k in order if k not in inner]

    def _parts_of_user_layers(self, models):
        inner = set()
        for model in models:
            for layer in _all_layers(model, include_self=True):
                if _user_object(layer, self.fam):
                    for part in _all_layers(layer, include_self=False):
                        if isinstance(part, self.fam.Model):
                            inner.add(id(part))
        return inner


def _all_layers(layer, include_self):
    try:
        return list(layer._flatten_layers(include_self=include_self, recursive=True))
    except Exception:
        return [layer] if include_self else []
