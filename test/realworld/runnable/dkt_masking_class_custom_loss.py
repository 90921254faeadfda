# <<< runnable copy of sources/dkt_masking_class_custom_loss.py for the goldens: the model code is the corpus file's;
# Replaced: loading saved weights (no file) and the CSV of answer sequences -> synthetic
# sequences written in the file's own format and read by its own reader; removed: evaluate.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: yeonnybus/SQuiz, server/aiserver/dkt/DKTModel.py
#   commit 479111b946cfc025a5712fcf0493ff06a6339b36
#   https://github.com/yeonnybus/SQuiz/blob/479111b946cfc025a5712fcf0493ff06a6339b36/server/aiserver/dkt/DKTModel.py
# Kind: deep knowledge tracing: a plain class whose method builds a Sequential with
#   Masking(mask_value=-1.0) -> LSTM -> TimeDistributed(Dense(sigmoid)) and compiles it with a
#   bound-method loss that slices y_true; the model is returned and kept by the caller.
from keras.models import Sequential
from keras.layers import Masking, LSTM, TimeDistributed, Dense
import tensorflow as tf
import numpy as np


class DKTModel:

    def __init__(self, num_skills):
        self.model_file = ".dataset.txt.model_weights"
        self.num_skills = num_skills

    def loss_function(self, y_true, y_pred):
        skill = y_true[:, :, 0:self.num_skills]
        obs = y_true[:, :, self.num_skills]
        rel_pred = tf.reduce_sum(y_pred * skill, axis=2)
        return tf.keras.losses.binary_crossentropy(obs, rel_pred)

    def load_model(self, num_skills, hidden_units, time_window):
        self.num_skills = num_skills
        model = Sequential()
        model.add(Masking(mask_value=-1.0, input_shape=(time_window, num_skills * 2)))
        model.add(LSTM(units=hidden_units, return_sequences=True, stateful=False))
        model.add(TimeDistributed(Dense(units=num_skills, activation='sigmoid')))
        model.compile(loss=self.loss_function, optimizer='rmsprop')
# <<< replaced: loading saved weights (the goldens set fixed weights)
# >>>
        return model


def read_sequences(path, num_skills, time_window):
    with open(path) as f:
        rows = [list(map(int, line.split(','))) for line in f if line.strip()]
    x = np.full((len(rows) // 2, time_window, num_skills * 2), -1.0, dtype='float32')
    y = np.full((len(rows) // 2, time_window, num_skills + 1), -1.0, dtype='float32')
    for i in range(0, len(rows) - 1, 2):
        skills, answers = rows[i], rows[i + 1]
        for t, (s, a) in enumerate(zip(skills[:time_window], answers[:time_window])):
            x[i // 2, t] = 0.0
            x[i // 2, t, s + num_skills * a] = 1.0
            y[i // 2, t] = 0.0
            y[i // 2, t, s] = 1.0
            y[i // 2, t, num_skills] = a
    return x, y


dkt = DKTModel(num_skills=10)
model = dkt.load_model(num_skills=10, hidden_units=32, time_window=20)
# <<< replaced: the CSV -> synthetic answer sequences in the same format
_rng = np.random.default_rng(0)
with open('assistments_test.csv', 'w') as _f:
    for _n in (20, 3, 11, 7):
        _f.write(','.join(map(str, _rng.integers(0, 10, size=_n))) + '\n')
        _f.write(','.join(map(str, _rng.integers(0, 2, size=_n))) + '\n')
x_test, y_test = read_sequences('assistments_test.csv', 10, 20)
# >>>
# <<< removed: evaluation (the goldens run it with fixed weights)
# >>>
# <<< added: golden data
MASKLENS_DATA = {"model": (x_test, y_test)}
# >>>
