# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: the DKT implementations that subclass tf.keras.Model and build a functional
#   graph in __init__ ("class DKTModel(tf.keras.Model)", e.g.
#   lccasagrande/Deep-Knowledge-Tracing, deepkt/deepkt.py, commit cd14c5bb9a0d45f22c02690b451cee190382710b)
# Kind: a tf.keras.Model subclass whose __init__ builds Input -> Masking(MASK_VALUE from a
#   module) -> LSTM -> TimeDistributed(Dense) and calls super().__init__(inputs, outputs); a
#   custom compile override wrapping the loss; MASK_VALUE from a project module.
import tensorflow as tf

import data_util


class DKTModel(tf.keras.Model):
    """ The Deep Knowledge Tracing model.
    Arguments in __init__:
        nb_features: The number of features in the input.
        nb_skills: The number of skills in the dataset.
        hidden_units: Positive integer. The number of units of the LSTM layer.
        dropout_rate: Float between 0 and 1. Fraction of the units to drop.
    """

    def __init__(self, nb_features, nb_skills, hidden_units=100, dropout_rate=0.2):
        inputs = tf.keras.Input(shape=(None, nb_features), name='inputs')

        # skip the padded steps
        x = tf.keras.layers.Masking(mask_value=data_util.MASK_VALUE)(inputs)

        x = tf.keras.layers.LSTM(hidden_units,
                                 return_sequences=True,
                                 dropout=dropout_rate)(x)

        dense = tf.keras.layers.Dense(nb_skills, activation='sigmoid')
        outputs = tf.keras.layers.TimeDistributed(dense, name='outputs')(x)

        super(DKTModel, self).__init__(inputs=inputs,
                                       outputs=outputs,
                                       name="DKTModel")
        self.nb_skills = nb_skills

    def compile(self, optimizer, metrics=None):
        def custom_loss(y_true, y_pred):
            y_true, y_pred = data_util.get_target(y_true, y_pred)
            return tf.keras.losses.binary_crossentropy(y_true, y_pred)

        super(DKTModel, self).compile(
            loss=custom_loss,
            optimizer=optimizer,
            metrics=metrics,
            experimental_run_tf_function=False)


dataset, length, nb_features, nb_skills = data_util.load_dataset(fn="data/ASSISTments_skill_builder_data.csv", batch_size=32, shuffle=True)
student_model = DKTModel(nb_features=nb_features, nb_skills=nb_skills, hidden_units=64, dropout_rate=0.3)
student_model.compile(optimizer='adam')
student_model.fit(dataset, epochs=10)
