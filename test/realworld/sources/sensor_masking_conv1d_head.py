# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: keras-team/keras-io, examples/timeseries/timeseries_classification_from_scratch.py
#   (a Conv1D classifier) as variable-length copies write it: a Masking layer in front for the
#   zero-padded recordings
#   commit ad4fc805f5e1a4a4c0bcdd416aa9feac6608fb6c (Apache-2.0)
# Kind: Masking followed by Conv1D / BatchNormalization / ReLU blocks built by a function in a
#   loop and GlobalAveragePooling1D: the mask meets Conv1D (dropped there); `import keras`.
import numpy as np
import keras


def make_model(input_shape, num_classes, filters=(16, 16, 16)):
    input_layer = keras.layers.Input(input_shape)
    x = keras.layers.Masking(mask_value=0.0)(input_layer)
    for f in filters:
        x = keras.layers.Conv1D(filters=f, kernel_size=3, padding="same")(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)

    gap = keras.layers.GlobalAveragePooling1D()(x)

    output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

    return keras.models.Model(inputs=input_layer, outputs=output_layer)


x_train = np.load("ford_a_train_padded.npy")
y_train = np.load("ford_a_labels.npy")
num_classes = len(np.unique(y_train))

model = make_model(input_shape=x_train.shape[1:], num_classes=num_classes)
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["sparse_categorical_accuracy"],
)
model.fit(x_train, y_train, batch_size=32, epochs=500, validation_split=0.2)
