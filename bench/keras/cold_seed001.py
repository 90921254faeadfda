"""W2 cold, Keras side: what a user would otherwise run to get seed 001's masked loss --
a fresh Python that imports Keras, builds the model of examples/seed001_embedding_dense_mse.py
and evaluates it on the example's arrays (on KERAS_BACKEND: TensorFlow, or JAX from the bench's
JAX venv). Thread settings match the MaskLens side's."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if os.environ.setdefault("KERAS_BACKEND", "tensorflow") == "tensorflow":
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(int(os.environ.get("BENCH_THREADS", "2")))
    tf.config.threading.set_inter_op_parallelism_threads(1)

import numpy as np  # noqa: E402

from keras.layers import Input, Embedding, Dense  # noqa: E402
from keras.models import Model  # noqa: E402

data_in = np.array([[1, 2, 0, 0]])
data_out = np.arange(12).reshape(1, 4, 3)
x = Input(shape=(4,))
e = Embedding(5, 5, mask_zero=True)(x)
d = Dense(3)(e)
m = Model(inputs=x, outputs=d)
m.compile(loss="mse", optimizer="adam")
print(m.evaluate(data_in, data_out, verbose=0))
