# <<< runnable copy of sources/stacked_rnn_cells_generator_subclass.py for the goldens: the model code is the corpus file's;
# Replaced: nothing; removed: the random dataset and training.
# >>>
# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: gugarosa/nalp, nalp/models/generators/stacked_rnn.py
#   commit 0e878122bbed6dca7917f1bb55eec7e0cc07650e (Apache-2.0)
#   https://github.com/gugarosa/nalp/blob/0e878122bbed6dca7917f1bb55eec7e0cc07650e/nalp/models/generators/stacked_rnn.py
#   and the StackedRNNCells example of the Keras API docs (keras.layers.StackedRNNCells).
#   Changed here: the embedding masks padding (mask_zero=True), the RNN is not stateful, and
#   the project's Generator base class is written in the file.
# Kind: recurrent layers built from cells: RNN given a list of SimpleRNNCell made in a list
#   comprehension with f-string names, inside a subclassed Model whose base class is the
#   project's own keras.Model subclass, type-annotated __init__ with a tuple default; and a
#   functional model with RNN(StackedRNNCells([LSTMCell, LSTMCell])) over a masked embedding
#   followed by a per-step Dense.
import tensorflow as tf
from tensorflow.keras.layers import RNN, Dense, Embedding, SimpleRNNCell, LSTMCell, StackedRNNCells


class Generator(tf.keras.Model):
    """A Generator class: a keras.Model that samples text."""

    def __init__(self, name: str = "") -> None:
        super(Generator, self).__init__(name=name)

    def generate_greedy_search(self, start, max_length=100):
        tokens = [start]
        for _ in range(max_length):
            preds = self(tf.expand_dims(tokens, 0))
            tokens.append(int(tf.argmax(preds[0, -1])))
        return tokens


class StackedRNNGenerator(Generator):
    """Stacked recurrent network generator (Elman, 1990)."""

    def __init__(
        self,
        vocab_size: int = 1,
        embedding_size: int = 32,
        hidden_size: tuple = (64, 64),
    ) -> None:
        super(StackedRNNGenerator, self).__init__(name="G_stacked_rnn")

        self.embedding = Embedding(vocab_size, embedding_size, mask_zero=True, name="embedding")

        self.cells = [
            SimpleRNNCell(size, name=f"rnn_cell{i}")
            for (i, size) in enumerate(hidden_size)
        ]

        self.rnn = RNN(self.cells, name="rnn_layer", return_sequences=True)

        self.linear = Dense(vocab_size, name="out")

    def call(self, x: tf.Tensor) -> tf.Tensor:
        x = self.embedding(x)
        x = self.rnn(x)
        x = self.linear(x)

        return x


VOCAB = 40
generator = StackedRNNGenerator(vocab_size=VOCAB, embedding_size=16, hidden_size=(24, 24))
generator.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))

# the same kind of stack as one functional model, with LSTM cells
tokens = tf.keras.Input(shape=(None,), dtype="int32")
embedded = Embedding(VOCAB, 16, mask_zero=True)(tokens)
stacked = RNN(StackedRNNCells([LSTMCell(24) for _ in range(2)]), return_sequences=True)(embedded)
logits = Dense(VOCAB)(stacked)
lstm_stack = tf.keras.Model(tokens, logits)
lstm_stack.compile(optimizer="adam",
                   loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))

# <<< removed: the dataset and training
# >>>
# <<< added: golden data: post-padded ids, next-token targets (0 on padding)
import _synthetic as syn
_ids = syn.padded_ids(4, 8, VOCAB, min_len=2)
_next = syn.same_padding(_ids, syn.tag_ids(_ids, VOCAB, seed=1))
MASKLENS_DATA = {"generator": (_ids, _next), "lstm_stack": (_ids, _next)}
# >>>
