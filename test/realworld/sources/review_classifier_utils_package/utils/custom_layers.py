# Project module of the corpus entry review_classifier_utils_package (written for the corpus).
import keras
from keras import ops


class NonMasking(keras.layers.Layer):
    """Drops the incoming mask, so that layers without mask support (Flatten) can follow."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, x, mask=None):
        return x


class MaskedMean(keras.layers.Layer):
    """Mean over the valid timesteps: (batch, time, features) -> (batch, features), no mask."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, x, mask=None):
        if mask is None:
            return ops.mean(x, axis=1)
        weights = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(x * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None
