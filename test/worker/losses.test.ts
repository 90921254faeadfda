/** Losses per element then per timestep, and every reduction, against hand-computed values. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { computeLoss, resolveLoss } from '../../src/worker/losses';
import { align, kerasBatchLoss, reduce } from '../../src/worker/reductions';
import { loadTf } from '../../src/worker/tf';

const { tf } = loadTf();

function loss(name: Parameters<typeof resolveLoss>[0], yTrue: number[][][], yPred: number[][][], logits = false) {
  return tf.tidy(() => {
    const p = tf.tensor3d(yPred);
    const l = computeLoss(tf, resolveLoss(name), tf.tensor(yTrue), p, logits ? p : null, 'keras3');
    return Array.from(l.values.dataSync());
  });
}

const close = (a: number[], b: number[], tol = 1e-5) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${a} vs ${b}`));

test('losses by name and by serialized object', () => {
  assert.equal(resolveLoss('mse').id, 'mean_squared_error');
  assert.equal(resolveLoss({ class_name: 'MeanAbsoluteError', config: {} }).id, 'mean_absolute_error');
  const s = resolveLoss({
    class_name: 'SparseCategoricalCrossentropy',
    config: { from_logits: true, ignore_class: -1 },
  });
  assert.equal(s.fromLogits, true);
  assert.equal(s.ignoreClass, -1);
  assert.equal(resolveLoss({ class_name: 'Huber', config: { delta: 0.5 } }).delta, 0.5);
  assert.throws(() => resolveLoss('triplet_margin'), /not supported/);
});

test('per-timestep values of every loss', () => {
  const y = [
    [
      [1, 0],
      [0, 1],
    ],
  ];
  const p = [
    [
      [0.8, 0.2],
      [0.4, 0.6],
    ],
  ];
  close(loss('mse', y, p), [0.04, 0.16]);
  close(loss('mae', y, p), [0.2, 0.4]);
  close(loss('mape', [[[1, 2]]], [[[0.5, 2.5]]]), [(100 * (0.5 + 0.25)) / 2]);
  close(loss('msle', [[[1, 2]]], [[[0.5, 2.5]]]), [
    ((Math.log(1.5) - Math.log(2)) ** 2 + (Math.log(3.5) - Math.log(3)) ** 2) / 2,
  ]);
  close(loss({ class_name: 'Huber', config: { delta: 0.5 } }, [[[0, 0]]], [[[0.2, 2]]]), [
    (0.5 * 0.04 + (0.5 * 2 - 0.125)) / 2,
  ]);
  close(loss('binary_crossentropy', y, p), [
    -(Math.log(0.8) + Math.log(0.8)) / 2,
    -(Math.log(0.6) + Math.log(0.6)) / 2,
  ]);
  close(loss('categorical_crossentropy', y, p), [-Math.log(0.8), -Math.log(0.6)]);
  close(loss('kl_divergence', y, p), [Math.log(1 / 0.8), Math.log(1 / 0.6)], 1e-4);
  close(loss('poisson', [[[1, 2]]], [[[0.5, 2.5]]]), [(0.5 - Math.log(0.5) + 2.5 - 2 * Math.log(2.5)) / 2]);
  close(loss('cosine_similarity', [[[1, 0]]], [[[1, 1]]]), [-Math.SQRT1_2]);
  // Sparse labels (batch, time) against logits.
  const sparse = tf.tidy(() =>
    Array.from(
      computeLoss(
        tf,
        resolveLoss({ class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true } }),
        tf.tensor2d([[0, 1]]),
        tf.tensor3d([
          [
            [2, 0],
            [0, 0],
          ],
        ]),
        null,
        'keras3',
      ).values.dataSync(),
    ),
  );
  close(sparse, [Math.log(1 + Math.exp(-2)), Math.log(2)]);
});

test('crossentropy from logits equals the probability path away from saturation', () => {
  const x = [
    [
      [0.3, -1.2],
      [2.0, 0.1],
    ],
  ];
  const probs = tf.tidy(() => tf.softmax(tf.tensor3d(x)).arraySync() as number[][][]);
  const y = [
    [
      [1, 0],
      [0, 1],
    ],
  ];
  const fromLogits = tf.tidy(() =>
    Array.from(
      computeLoss(
        tf,
        resolveLoss('categorical_crossentropy'),
        tf.tensor(y),
        tf.tensor3d(probs),
        tf.tensor3d(x),
        'keras3',
      ).values.dataSync(),
    ),
  );
  close(fromLogits, loss('categorical_crossentropy', y, probs), 1e-5);
});

test('reductions: none, valid-mean, total-mean, sequence-mean', () => {
  const r = tf.tidy(() => {
    const a = align(
      tf,
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tf.tensor2d(
        [
          [1, 1, 0],
          [1, 0, 0],
        ],
        undefined,
        'bool',
      ),
      null,
    );
    return (['none', 'valid-mean', 'total-mean', 'sequence-mean'] as const).map(
      (id) => reduce(tf, id, a).dataSync()[0],
    );
  });
  close(r, [3.5, 7 / 3, 7 / 6, (1.5 + 4) / 2]);
  // Per-sample weights weight samples; valid-mean still divides by the valid count (Keras).
  const w = tf.tidy(() => {
    const a = align(
      tf,
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tf.tensor2d(
        [
          [1, 1, 0],
          [1, 0, 0],
        ],
        undefined,
        'bool',
      ),
      tf.tensor1d([2, 0]),
    );
    return reduce(tf, 'valid-mean', a).dataSync()[0];
  });
  close([w], [(2 * 1 + 2 * 2) / 3]);
  // Every step masked: Keras 3 reports 0, not NaN.
  const empty = tf.tidy(
    () => reduce(tf, 'valid-mean', align(tf, tf.ones([1, 2]), tf.zeros([1, 2], 'bool'), null)).dataSync()[0],
  );
  assert.equal(empty, 0);
});

test('what Keras reports: Keras 3 broadcasts per-sample weights against time, tf.keras per sample', () => {
  const L = { shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) };
  const m = { shape: [2, 3], data: Float64Array.from([1, 1, 0, 1, 0, 0]) };
  const sw = { shape: [2], data: Float64Array.from([2, 1]) };
  assert.throws(
    () => kerasBatchLoss('keras3', 'sum_over_batch_size', L, m, sw),
    /Incompatible shapes: \[2,3\] vs. \[2\]|Incompatible shapes/,
  );
  close([kerasBatchLoss('tf-keras2', 'sum_over_batch_size', L, m, sw)], [(2 + 4 + 4) / 3]);
  close([kerasBatchLoss('keras3', 'sum_over_batch_size', L, m, null)], [7 / 3]);
  // tf.keras divides by the valid count without divide_no_nan: an all-masked batch is NaN.
  assert.ok(
    Number.isNaN(
      kerasBatchLoss('tf-keras2', 'sum_over_batch_size', L, { shape: [2, 3], data: new Float64Array(6) }, null),
    ),
  );
  assert.equal(
    kerasBatchLoss('keras3', 'sum_over_batch_size', L, { shape: [2, 3], data: new Float64Array(6) }, null),
    0,
  );
});
