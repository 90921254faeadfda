# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: video / gesture classifiers that zero-pad clips to a fixed frame count and put
#   Masking in front of TimeDistributed convolutions (a recurring Stack Overflow question:
#   "Masking layer with TimeDistributed Conv2D")
# Kind: Masking on a 5-D input (frames x height x width x channels): the mask it makes has
#   the wrong rank for the frames; TimeDistributed(Conv2D / MaxPooling2D / Flatten), then an
#   LSTM over frames; Sequential with an Input layer first.
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, models

MAX_FRAMES, H, W, C = 6, 16, 16, 1
NUM_CLASSES = 5

model = models.Sequential([
    layers.Input(shape=(MAX_FRAMES, H, W, C)),
    layers.Masking(mask_value=0.0),
    layers.TimeDistributed(layers.Conv2D(8, (3, 3), activation='relu')),
    layers.TimeDistributed(layers.MaxPooling2D((2, 2))),
    layers.TimeDistributed(layers.Flatten()),
    layers.LSTM(16),
    layers.Dense(NUM_CLASSES, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

clips = np.load('clips.npy')
labels = np.load('labels.npy')
model.fit(clips, labels, epochs=10, batch_size=8)
