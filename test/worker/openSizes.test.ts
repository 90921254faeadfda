/**
 * `masklens evaluate` on models whose source leaves sizes to the data: the input shape of a
 * Sequential that declares none, sizes computed from a tokenizer, `RepeatVector(timesteps)`.
 * What is certain fills them (the data, the weights, the shape the source states); otherwise
 * the one refusal names the dimension to supply, and supplying it runs the model.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { runEvaluate } from '../../src/cli/evaluate';
import { writeNpy } from '../../src/core/data/npy';

const dir = mkdtempSync(join(tmpdir(), 'masklens-open-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function npy(name: string, shape: number[], data: number[]): string {
  const path = join(dir, name);
  writeFileSync(path, writeNpy({ shape, data }));
  return path;
}

const TOKENIZED = `import keras
from keras.preprocessing.text import Tokenizer
tokenizer = Tokenizer()
tokenizer.fit_on_texts(open('reviews.txt').read().split('\\n'))
vocab_size = len(tokenizer.word_index) + 1
model = keras.Sequential([keras.layers.Embedding(vocab_size, 4, input_length=6, mask_zero=True), keras.layers.LSTM(3), keras.layers.Dense(1, activation='sigmoid')])
model.compile(loss='binary_crossentropy', optimizer='adam')
`;

test('a vocabulary size computed from a tokenizer is named, with the flag that supplies it; supplied, the model runs on the shape input_length states', async () => {
  const path = file('tokenized.py', TOKENIZED);
  const refused = capture();
  assert.equal(await runEvaluate([path, '--json'], refused.io), 1);
  assert.match(refused.err.join(''), /Embedding 'embedding': its input_dim is `vocab_size`, .*--dim "vocab_size=N"/);
  const given = capture();
  assert.equal(await runEvaluate([path, '--json', '--dim', 'vocab_size=30'], given.io), 0, given.err.join(''));
  const r = JSON.parse(given.out.join('')) as { data: { shapes: { x: number[] } }; warnings: string[] };
  assert.deepEqual(r.data.shapes.x.slice(1), [6]);
  assert.ok(
    r.warnings.some((w) => /declares no input shape; MaskLens takes \(None, 6\) from input_length=6/.test(w)),
    r.warnings.join('\n'),
  );
});

test('the weights given for a layer fix the sizes the source computes from data', async () => {
  const path = file('tokenized_weights.py', TOKENIZED);
  const x = npy('tok_x.npy', [2, 6], [3, 1, 7, 0, 0, 0, 2, 2, 9, 4, 1, 0]);
  const y = npy('tok_y.npy', [2, 1], [1, 0]);
  const zeros = (n: number) => Array.from({ length: n }, (_, i) => (i % 7) / 10);
  const weights = file(
    'tok_weights.json',
    JSON.stringify([
      { layer: 'embedding', weights: [{ name: 'embeddings', shape: [12, 4], values: zeros(48) }] },
      {
        layer: 'lstm',
        weights: [
          { shape: [4, 12], values: zeros(48) },
          { shape: [3, 12], values: zeros(36) },
          { shape: [12], values: zeros(12) },
        ],
      },
      {
        layer: 'dense',
        weights: [
          { shape: [3, 1], values: zeros(3) },
          { shape: [1], values: [0] },
        ],
      },
    ]),
  );
  const c = capture();
  assert.equal(
    await runEvaluate([path, '--json', '--data', x, '--labels', y, '--weights', weights], c.io),
    0,
    c.err.join(''),
  );
  const r = JSON.parse(c.out.join('')) as { warnings: string[]; loss: { keras: { value: number } } };
  assert.ok(
    r.warnings.some((w) =>
      /Embedding 'embedding': input_dim = 12, from the shapes of the weights given for it \(the source computes it as `vocab_size`\)/.test(
        w,
      ),
    ),
    r.warnings.join('\n'),
  );
  assert.ok(Number.isFinite(r.loss.keras.value));
});

test("RepeatVector(timesteps) and Input(shape=(timesteps, n)): the data fixes timesteps; Input(x.shape[1:]) takes the data's rank", async () => {
  const path = file(
    'autoencoder.py',
    `import numpy as np
from tensorflow.keras.models import Model
from tensorflow.keras.layers import Input, LSTM, RepeatVector, TimeDistributed, Dense, Masking
seqs = np.load('trajectories.npy', allow_pickle=True)
timesteps = max(len(s) for s in seqs)
n_features = seqs[0].shape[1]
inputs = Input(shape=(timesteps, n_features))
encoded = LSTM(4)(Masking(mask_value=0.0)(inputs))
decoded = TimeDistributed(Dense(n_features))(LSTM(4, return_sequences=True)(RepeatVector(timesteps)(encoded)))
autoencoder = Model(inputs, decoded)
autoencoder.compile(optimizer='adam', loss='mse')
`,
  );
  const x = npy(
    'traj.npy',
    [2, 5, 3],
    Array.from({ length: 30 }, (_, i) => (i < 24 ? (i % 5) / 4 : 0)),
  );
  const c = capture();
  assert.equal(await runEvaluate([path, '--json', '--data', x, '--labels', x], c.io), 0, c.err.join(''));
  const r = JSON.parse(c.out.join('')) as { warnings: string[]; outputShape: number[] };
  assert.deepEqual(r.outputShape.slice(1), [5, 3]);
  assert.ok(
    r.warnings.some((w) =>
      /RepeatVector 'repeat_vector': n = 5, from the data \(the source computes it as `timesteps`\)/.test(w),
    ),
    r.warnings.join('\n'),
  );
  assert.ok(
    r.warnings.some((w) => /Dense 'dense': units = 3, from the data/.test(w)),
    r.warnings.join('\n'),
  );

  const ranked = file(
    'ranked.py',
    `import numpy as np
import keras
x_train = np.load('ford_a.npy')
inp = keras.layers.Input(x_train.shape[1:])
h = keras.layers.Conv1D(filters=4, kernel_size=3, padding='same')(keras.layers.Masking()(inp))
model = keras.models.Model(inp, keras.layers.Dense(2, activation='softmax')(keras.layers.GlobalAveragePooling1D()(h)))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
`,
  );
  const labels = npy('traj_labels.npy', [2], [0, 1]);
  const d = capture();
  assert.equal(await runEvaluate([ranked, '--json', '--data', x, '--labels', labels], d.io), 0, d.err.join(''));
  const rr = JSON.parse(d.out.join('')) as { warnings: string[] };
  assert.ok(
    rr.warnings.some((w) =>
      /declares no input shape; it is built on the data, as Keras builds it: \(None, 5, 3\)/.test(w),
    ),
    rr.warnings.join('\n'),
  );
});

test('Masking(mask_value=-1.) on chosen data padded with 0: the result says it masks nothing', async () => {
  const path = file(
    'mismatch.py',
    `import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.Masking(mask_value=-1., input_shape=(4, 2)), tf.keras.layers.LSTM(3, return_sequences=True), tf.keras.layers.Dense(1)])\nm.compile('adam', 'mse')\n`,
  );
  // Three sequences of lengths 2, 3, 1, post-padded with zeros.
  const x = npy(
    'mismatch_x.npy',
    [3, 4, 2],
    [0.5, 0.1, 0.3, 0.2, 0, 0, 0, 0, 0.4, 0.9, 0.7, 0.6, 0.2, 0.8, 0, 0, 0.6, 0.3, 0, 0, 0, 0, 0, 0],
  );
  const y = npy(
    'mismatch_y.npy',
    [3, 4, 1],
    Array.from({ length: 12 }, (_, i) => i / 10),
  );
  const c = capture();
  assert.equal(await runEvaluate([path, '--json', '--data', x, '--labels', y], c.io), 0, c.err.join(''));
  const r = JSON.parse(c.out.join('')) as { warnings: string[] };
  assert.ok(
    r.warnings.some((w) =>
      /Masking 'masking' masks no timestep of x: no step equals mask_value=-1, while 2 of 3 sequences are padded with steps of all 0/.test(
        w,
      ),
    ),
    r.warnings.join('\n'),
  );
});

test('synthetic data for an input whose feature axis the source computes: the refusal names it; supplied, the model runs', async () => {
  const path = file(
    'features.py',
    `import numpy as np\nimport keras\nseqs = np.load('frames.npy', allow_pickle=True)\nn_features = seqs[0].shape[1]\ninp = keras.Input(shape=(None, n_features))\nmodel = keras.Model(inp, keras.layers.LSTM(2)(keras.layers.Masking()(inp)))\nmodel.compile(loss='mse', optimizer='adam')\n`,
  );
  const refused = capture();
  assert.equal(await runEvaluate([path], refused.io), 1);
  assert.match(refused.err.join(''), /input 'input_layer': axis 2 is `n_features`, .*--dim "n_features=N"/);
  const given = capture();
  assert.equal(await runEvaluate([path, '--json', '--dim', 'n_features=3'], given.io), 0, given.err.join(''));
});
