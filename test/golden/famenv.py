"""Per-process environment for one Keras family (imported first by every worker).

A worker process serves exactly one family:

* ``keras3``    -- Keras 3 (TensorFlow backend); ``tf.keras`` is Keras 3 too.
* ``tf-keras2`` -- tf_keras 2.x: ``TF_USE_LEGACY_KERAS=1`` makes ``tf.keras`` /
  ``tensorflow.keras`` resolve to tf_keras, and an import hook makes ``keras`` and
  every ``keras.*`` submodule the very same module objects as ``tf_keras.*``.

``activate(family)`` must run before TensorFlow is imported.
"""
import importlib
import importlib.abc
import importlib.machinery
import os
import sys

FAMILIES = ("keras3", "tf-keras2")
SEED = 1234


class _KerasAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``keras`` / ``keras.X`` imports with the ``tf_keras`` / ``tf_keras.X`` modules."""

    def __init__(self):
        self._specs = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "keras" or fullname.startswith("keras."):
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        real = importlib.import_module("tf_keras" + spec.name[len("keras"):])
        self._specs[spec.name] = real.__spec__
        return real

    def exec_module(self, module):
        # The import machinery overwrote __spec__ of the real module: restore it.
        name = module.__spec__.name
        if name in self._specs:
            module.__spec__ = self._specs.pop(name)


def process_env(family):
    """Environment variables for a worker subprocess of ``family``."""
    env = dict(os.environ)
    env.update({
        "KERAS_BACKEND": "tensorflow",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",   # bitwise-stable CPU kernels
        "CUDA_VISIBLE_DEVICES": "",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MASKLENS_FAMILY": family,
    })
    if family == "tf-keras2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    return env


class Family:
    """What the workers need to know about the active Keras family."""

    def __init__(self, name):
        import tensorflow as tf

        self.name = name
        self.tf = tf
        if name == "keras3":
            import keras
            from keras.src import backend
            from keras.src.layers.layer import Layer
            from keras.src.layers.core.input_layer import InputLayer
            from keras.src.models.functional import Functional
            from keras.src.models.sequential import Sequential

            self.K = keras
            self.version = keras.__version__
            self.Layer, self.InputLayer = Layer, InputLayer
            self.Functional, self.Sequential, self.Model = Functional, Sequential, keras.Model
            # get_keras_mask arrived in Keras 3.6; older releases keep the mask on `_keras_mask` (the sweep runs them).
            self.get_mask = getattr(backend, "get_keras_mask", lambda t: getattr(t, "_keras_mask", None))
        elif name == "tf-keras2":
            import tf_keras
            from tf_keras.src.engine.base_layer import Layer
            from tf_keras.src.engine.input_layer import InputLayer
            from tf_keras.src.engine.functional import Functional
            from tf_keras.src.engine.sequential import Sequential

            self.K = tf_keras
            self.version = tf_keras.__version__
            self.Layer, self.InputLayer = Layer, InputLayer
            self.Functional, self.Sequential, self.Model = Functional, Sequential, tf_keras.Model
            self.get_mask = lambda t: getattr(t, "_keras_mask", None)
        else:
            raise ValueError(f"unknown family {name!r}")

    def model_kind(self, model):
        if isinstance(model, self.Sequential):
            return "sequential"
        if isinstance(model, self.Functional):
            return "functional"
        return "subclassed"

    def reset(self, seed=SEED):
        """Fresh Keras global state (layer-name counters) and seeded RNGs."""
        self.K.backend.clear_session()
        self.K.utils.set_random_seed(seed)

    def loss_none(self, name, kwargs):
        """The loss as a callable returning the unreduced (batch x time) loss."""
        if not kwargs:
            return self.K.losses.get(name)
        cls = getattr(self.K.losses, name)
        return cls(reduction=None if self.name == "keras3" else "none", **kwargs)

    def make_loss(self, name, kwargs):
        """The loss as passed to ``compile``: the string itself, or a Loss instance."""
        if not kwargs:
            return name
        return getattr(self.K.losses, name)(**kwargs)

    def serialize_loss(self, loss):
        obj = self.K.losses.get(loss) if isinstance(loss, str) else loss
        try:
            return self.K.losses.serialize(obj)
        except Exception as exc:  # functions serialize to their name in some versions
            return {"unserializable": f"{type(exc).__name__}: {exc}"}


def activate(family):
    """Configure this process for ``family`` and return a :class:`Family`."""
    if family not in FAMILIES:
        raise SystemExit(f"unknown family {family!r}; expected one of {FAMILIES}")
    for key, value in process_env(family).items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    if family != "tf-keras2":
        os.environ.pop("TF_USE_LEGACY_KERAS", None)
    else:
        for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
            del sys.modules[name]
        sys.meta_path.insert(0, _KerasAlias())

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    fam = Family(family)
    fam.reset()
    return fam
