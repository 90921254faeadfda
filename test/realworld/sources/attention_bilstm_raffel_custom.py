# MaskLens real-world corpus -- written for this corpus after a public file, not copied from it.
# Modelled on: WarFW/Natural-Language-Processing-Models,
#   TextClassification/imp_by_tensorflow2/TextBiRNNAtt/attention.py and text_birnn_att.py
#   commit 02e33b550cc30310cce3ac46c6a78ed134b9c815
#   https://github.com/WarFW/Natural-Language-Processing-Models/tree/02e33b550cc30310cce3ac46c6a78ed134b9c815/TextClassification/imp_by_tensorflow2/TextBiRNNAtt
# Kind: Raffel-style feed-forward attention as a custom layer (weights in build, call(x,
#   mask=None) that zeroes padded steps, compute_mask returning None) after a masked BiGRU;
#   a subclassed tf.keras Model whose feed-forward head is a Sequential built in a loop.
import tensorflow as tf
from tensorflow.keras import initializers
from tensorflow.keras.layers import Layer, Embedding, Dense, GRU, Bidirectional
from tensorflow.keras import Model


class Attention(Layer):
    def __init__(self, bias=True, **kwargs):
        """Attention over time for a (samples, steps, features) input -> (samples, features).
        Supports masking: padded steps get no weight."""
        super(Attention, self).__init__(**kwargs)
        self.supports_masking = True
        self.bias = bias
        self.init = initializers.get('glorot_uniform')

    def build(self, input_shape):
        self.step_dim = input_shape[-2]
        self.features_dim = input_shape[-1]
        self.W = self.add_weight(shape=(self.features_dim, 1), initializer=self.init, name='att_W')
        if self.bias:
            self.b = self.add_weight(shape=(1,), initializer='zeros', name='att_b')
        super(Attention, self).build(input_shape)

    def compute_mask(self, inputs, mask=None):
        # the output has no time axis any more
        return None

    def call(self, x, mask=None):
        e = tf.squeeze(tf.matmul(x, self.W), -1)
        if self.bias:
            e += self.b
        e = tf.tanh(e)
        a = tf.exp(e)
        if mask is not None:
            a *= tf.cast(mask, tf.float32)
        a /= tf.reduce_sum(a, axis=1, keepdims=True) + 1e-7
        a = tf.expand_dims(a, -1)
        return tf.reduce_sum(x * a, axis=1)


def point_wise_feed_forward_network(dense_size):
    ffn = tf.keras.Sequential()
    for size in dense_size:
        ffn.add(Dense(size, activation='relu'))
    return ffn


class TextBiRNNAtt(Model):

    def __init__(self, maxlen, max_features, embedding_dims, class_num=5, last_activation='softmax', dense_size=None):
        super(TextBiRNNAtt, self).__init__()
        self.maxlen = maxlen
        self.dense_size = dense_size
        self.embedding = Embedding(input_dim=max_features, output_dim=embedding_dims, input_length=maxlen, mask_zero=True)
        self.bi_rnn = Bidirectional(layer=GRU(units=32, activation='tanh', return_sequences=True), merge_mode='concat')
        self.attention = Attention()
        if self.dense_size is not None:
            self.ffn = point_wise_feed_forward_network(dense_size)
        self.classifier = Dense(class_num, activation=last_activation)

    def call(self, inputs, training=None, mask=None):
        x = self.embedding(inputs)
        x = self.bi_rnn(x)
        x = self.attention(x)
        if self.dense_size is not None:
            x = self.ffn(x)
        output = self.classifier(x)
        return output


if __name__ == '__main__':
    model = TextBiRNNAtt(maxlen=400, max_features=3000, embedding_dims=32, class_num=2, last_activation='softmax', dense_size=[128, 64])
    model.build(input_shape=(None, 400))
    model.summary()
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
