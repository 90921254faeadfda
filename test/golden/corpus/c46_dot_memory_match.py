# corpus: a memory network's match: Sequential encoders used as layers, dot over the feature axis
# (helper with positional axes, and the Dot class with normalize), which attaches no mask
import keras
from keras import layers

story = keras.Input(shape=(7,))
question = keras.Input(shape=(4,))
encoder_m = keras.Sequential([layers.Embedding(12, 6, mask_zero=True), layers.Dropout(0.3)])
encoder_q = keras.Sequential()
encoder_q.add(layers.Embedding(12, 6, mask_zero=True))
m = encoder_m(story)
q = encoder_q(question)
match = layers.dot([m, q], (2, 2))
match = layers.Activation("softmax")(match)
cosine = layers.Dot(axes=-1, normalize=True)([m, m])
answer = layers.LSTM(5)(layers.concatenate([match, cosine]))
model = keras.Model([story, question], layers.Dense(12, activation="softmax")(answer))
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
