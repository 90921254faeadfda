/**
 * Compiled metrics (`compile(metrics=..., weighted_metrics=...)`) as Keras computes them:
 * a value per position (per timestep for a sequence output), averaged with the output mask as
 * weights. Measured in Keras 3.15.1 and tf-keras 2.21 alike: `metrics=` entries are weighted
 * by the mask only, `weighted_metrics=` by the mask times the sample weights, and both
 * accumulate over the whole evaluation (no per-batch averaging, unlike the loss).
 * `"accuracy"` resolves by shapes as both families' compile_utils do.
 */
import type { JsonValue, KerasFamily } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import type { Tensor } from './layers/base';
import { computeLoss, type LossSpec, resolveLoss } from './losses';
import type { Tf } from './tf';

export type MetricFunction =
  | 'binary_accuracy'
  | 'categorical_accuracy'
  | 'sparse_categorical_accuracy'
  | 'top_k_categorical_accuracy'
  | 'sparse_top_k_categorical_accuracy'
  | 'loss';

export interface MetricSpec {
  /** The name Keras reports (`accuracy`, `weighted_accuracy`, `sparse_top_k_categorical_accuracy`). */
  name: string;
  /** What the name resolved to (`sparse_categorical_accuracy`, or a loss function's name). */
  resolved: string;
  fn: MetricFunction;
  k: number;
  threshold: number;
  /** A loss used as a metric (`mae`, `mse`, ...). */
  loss: LossSpec | null;
  weighted: boolean;
}

const CLASS_NAMES: Record<string, string> = {
  BinaryAccuracy: 'binary_accuracy',
  CategoricalAccuracy: 'categorical_accuracy',
  SparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  TopKCategoricalAccuracy: 'top_k_categorical_accuracy',
  SparseTopKCategoricalAccuracy: 'sparse_top_k_categorical_accuracy',
  MeanSquaredError: 'mean_squared_error',
  MeanAbsoluteError: 'mean_absolute_error',
  MeanAbsolutePercentageError: 'mean_absolute_percentage_error',
  MeanSquaredLogarithmicError: 'mean_squared_logarithmic_error',
  BinaryCrossentropy: 'binary_crossentropy',
  CategoricalCrossentropy: 'categorical_crossentropy',
  SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  KLDivergence: 'kl_divergence',
  Poisson: 'poisson',
  Hinge: 'hinge',
  SquaredHinge: 'squared_hinge',
  CategoricalHinge: 'categorical_hinge',
  LogCoshError: 'log_cosh',
};

const ACCURACIES: Record<string, MetricFunction> = {
  binary_accuracy: 'binary_accuracy',
  categorical_accuracy: 'categorical_accuracy',
  sparse_categorical_accuracy: 'sparse_categorical_accuracy',
  top_k_categorical_accuracy: 'top_k_categorical_accuracy',
  sparse_top_k_categorical_accuracy: 'sparse_top_k_categorical_accuracy',
};

/** A metric object's default name: its class in snake case (`SparseTopKCategoricalAccuracy` → `sparse_top_k_categorical_accuracy`). */
function snake(className: string): string {
  return className
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * One entry of `metrics=` / `weighted_metrics=`: a name (`"accuracy"`, `"mae"`) or a metric
 * object `{class_name, config}`. `yRank`/`yLast` and `predRank`/`predLast` are the target's and
 * the output's rank and last axis, which decide what `"accuracy"` means.
 */
export function resolveMetric(
  spec: JsonValue,
  weighted: boolean,
  y: { rank: number; last: number },
  pred: { rank: number; last: number },
): MetricSpec {
  let key: string;
  let config: Record<string, JsonValue> = {};
  let reported: string;
  if (typeof spec === 'string') {
    key = spec;
    reported = spec;
  } else if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.class_name === 'string') {
    const cls = spec.class_name;
    config = spec.config && typeof spec.config === 'object' && !Array.isArray(spec.config) ? spec.config : {};
    key = CLASS_NAMES[cls] ?? cls;
    reported = typeof config.name === 'string' ? config.name : snake(cls);
  } else {
    throw new UserFacingError(
      'a compiled metric MaskLens cannot read (expected a name or a keras.metrics object)',
      'metric-unsupported',
    );
  }
  const name = weighted && !reported.startsWith('weighted_') ? `weighted_${reported}` : reported;
  const lower = key.toLowerCase();
  const num = (k: string, d: number) => (typeof config[k] === 'number' ? (config[k] as number) : d);
  const base = { name, k: num('k', 5), threshold: num('threshold', 0.5), weighted, loss: null };
  if (lower === 'accuracy' || lower === 'acc') {
    const binary = pred.last === 1;
    const sparse = y.rank < pred.rank || (y.last === 1 && pred.last > 1);
    const fn: MetricFunction = binary
      ? 'binary_accuracy'
      : sparse
        ? 'sparse_categorical_accuracy'
        : 'categorical_accuracy';
    return { ...base, resolved: fn, fn };
  }
  const accuracy = ACCURACIES[lower];
  if (accuracy) return { ...base, resolved: accuracy, fn: accuracy };
  let loss: LossSpec;
  try {
    loss = resolveLoss(typeof spec === 'string' ? spec : { class_name: key, config });
  } catch {
    throw new UserFacingError(
      `metric '${reported}' is not supported (supported: accuracy, binary/categorical/sparse_categorical accuracy, top-k accuracies, and the losses as metrics: mae, mse, ...)`,
      'metric-unsupported',
    );
  }
  return { ...base, resolved: loss.id, fn: 'loss', loss };
}

/** The labels an accuracy compares: class ids from one-hot targets, sparse ids squeezed to the output's rank − 1. */
function labels(tf: Tf, yTrue: Tensor, yPred: Tensor, sparse: boolean): Tensor {
  if (!sparse) return tf.argMax(yTrue, -1);
  let t = yTrue;
  if (t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = tf.squeeze(t, [-1]);
  return tf.cast(t, 'int32');
}

/** tf.math.in_top_k: the label is in the top k when fewer than k classes score strictly higher (ties count in). */
function inTopK(tf: Tf, yPred: Tensor, label: Tensor, k: number): Tensor {
  const classes = yPred.shape[yPred.rank - 1];
  const oneHot = tf.oneHot(tf.reshape(label, [-1]), classes).reshape(yPred.shape);
  const target = tf.sum(tf.mul(oneHot, yPred), -1, true);
  const higher = tf.sum(tf.cast(tf.greater(yPred, target), 'float32'), -1);
  return tf.cast(tf.less(higher, k), 'float32');
}

/** The metric's value at every position (batch × time for a sequence output). */
export function metricValues(
  tf: Tf,
  spec: MetricSpec,
  yTrueIn: Tensor,
  yPred: Tensor,
  logits: Tensor | null,
  family: KerasFamily,
): Tensor {
  const yTrue = yTrueIn.dtype === 'float32' ? yTrueIn : tf.cast(yTrueIn, 'float32');
  switch (spec.fn) {
    case 'binary_accuracy': {
      const hit = tf.cast(tf.equal(yTrue, tf.cast(tf.greater(yPred, spec.threshold), 'float32')), 'float32');
      return tf.mean(hit, -1);
    }
    case 'categorical_accuracy':
    case 'sparse_categorical_accuracy': {
      const label = labels(tf, yTrue, yPred, spec.fn === 'sparse_categorical_accuracy');
      return tf.cast(tf.equal(tf.cast(label, 'int32'), tf.argMax(yPred, -1)), 'float32');
    }
    case 'top_k_categorical_accuracy':
    case 'sparse_top_k_categorical_accuracy':
      return inTopK(
        tf,
        yPred,
        tf.cast(labels(tf, yTrue, yPred, spec.fn === 'sparse_top_k_categorical_accuracy'), 'int32'),
        spec.k,
      );
    case 'loss': {
      if (!spec.loss) throw new Error('a loss metric without its loss');
      return computeLoss(tf, spec.loss, yTrue, yPred, logits, family).values;
    }
  }
}
