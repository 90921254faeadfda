# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: berquist/event-extraction-grabbag, attention_example.py
#   commit dfae9a609194439103c5480eb8b4bf64c5240a30
#   https://github.com/berquist/event-extraction-grabbag/blob/dfae9a609194439103c5480eb8b4bf64c5240a30/attention_example.py
#   (the example of the tf.keras.layers.Attention API docs, run as a script). Changed here:
#   the shared embedding masks padding (mask_zero=True), and the encodings get a sigmoid head
#   and a compile so the loss can be compared.
# Kind: one Embedding and one Conv1D layer object each called on two inputs (query and
#   value), the dot-product Attention layer on [query, value] encodings, two
#   GlobalAveragePooling1D of different sequences, Concatenate of the pooled vectors; a mask
#   made by the embedding meets a convolution; `import tensorflow as tf` spelling throughout.
import tensorflow as tf

max_tokens = 40
dimension = 17

# Variable-length int sequences.
query_input = tf.keras.Input(shape=(None,), dtype="int32")
value_input = tf.keras.Input(shape=(None,), dtype="int32")

# Embedding lookup, padding id 0 masked.
token_embedding = tf.keras.layers.Embedding(max_tokens, dimension, mask_zero=True)
# Query embeddings of shape [batch_size, Tq, dimension].
query_embeddings = token_embedding(query_input)
# Value embeddings of shape [batch_size, Tv, dimension].
value_embeddings = token_embedding(value_input)

# CNN layer.
cnn_layer = tf.keras.layers.Conv1D(
    filters=100,
    kernel_size=4,
    # Use 'same' padding so outputs have the same shape as inputs.
    padding="same",
)
# Query encoding of shape [batch_size, Tq, filters].
query_seq_encoding = cnn_layer(query_embeddings)
# Value encoding of shape [batch_size, Tv, filters].
value_seq_encoding = cnn_layer(value_embeddings)

# Query-value attention of shape [batch_size, Tq, filters].
query_value_attention_seq = tf.keras.layers.Attention()(
    [query_seq_encoding, value_seq_encoding]
)

# Reduce over the sequence axis to produce encodings of shape
# [batch_size, filters].
query_encoding = tf.keras.layers.GlobalAveragePooling1D()(query_seq_encoding)
query_value_attention = tf.keras.layers.GlobalAveragePooling1D()(
    query_value_attention_seq
)

# Concatenate query and document encodings to produce a DNN input layer.
input_layer = tf.keras.layers.Concatenate()([query_encoding, query_value_attention])
score = tf.keras.layers.Dense(1, activation="sigmoid")(input_layer)

model = tf.keras.Model([query_input, value_input], score)
model.summary()
model.compile(optimizer="adam", loss="binary_crossentropy")
