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
import type { AucConfig } from '../core/metrics/auc';
import type { CustomMetricSpec } from '../core/protocol/runtimeTasks';
import { matchRank, metricFunctionValues } from './customMetrics';

export type MetricFunction =
  | 'binary_accuracy'
  | 'categorical_accuracy'
  | 'sparse_categorical_accuracy'
  | 'top_k_categorical_accuracy'
  | 'sparse_top_k_categorical_accuracy'
  | 'auc'
  | 'loss'
  /** The user's own function, wrapped in a mean as Keras wraps it. */
  | 'custom-function'
  /** The user's own Metric subclass: its states over the evaluation. */
  | 'custom-class';

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
  /** `AUC`: its thresholds, curve and summation. */
  auc: AucConfig | null;
  /** The user's own metric, as the reader translated it. */
  custom: CustomMetricSpec | null;
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
  family: KerasFamily,
  spec: JsonValue,
  weighted: boolean,
  y: { rank: number; last: number },
  pred: { rank: number; last: number },
  /** The user's own metrics, which a `{custom_metric: index}` entry names. */
  customs: readonly CustomMetricSpec[] = [],
): MetricSpec {
  if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.custom_metric === 'number') {
    const custom = customs[spec.custom_metric];
    if (!custom) throw new Error(`no user metric at index ${spec.custom_metric}`);
    if (!custom.fn && !custom.metricClass)
      throw new UserFacingError(
        custom.problem ?? `metric '${custom.name}' could not be translated`,
        'metric-unsupported',
      );
    const name = weighted && !custom.name.startsWith('weighted_') ? `weighted_${custom.name}` : custom.name;
    return {
      name,
      resolved: custom.name,
      fn: custom.fn ? 'custom-function' : 'custom-class',
      k: 5,
      threshold: 0.5,
      loss: null,
      auc: null,
      custom,
      weighted,
    };
  }
  let key: string;
  let config: Record<string, JsonValue> = {};
  let reported: string;
  if (typeof spec === 'string') {
    // A class name as a string ('AUC', 'MeanSquaredError') builds that class: Keras 3 reports it
    // by the string given, tf-keras by the class's default name (measured: 'AUC' → 'auc').
    const className = /^[A-Z]/.test(spec) ? spec : null;
    key = className ? (CLASS_NAMES[className] ?? className) : spec;
    reported = className && family === 'tf-keras2' ? snake(className) : spec;
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
  const base = {
    name,
    k: num('k', 5),
    threshold: num('threshold', 0.5),
    weighted,
    loss: null,
    auc: null,
    custom: null,
  };
  if (lower === 'auc') return { ...base, resolved: 'auc', fn: 'auc', auc: aucConfig(reported, config, y, pred) };
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
      `metric '${reported}' is not supported (supported: accuracy, binary/categorical/sparse_categorical accuracy, top-k accuracies, AUC, and the losses as metrics: mae, mse, ...)`,
      'metric-unsupported',
    );
  }
  return { ...base, resolved: loss.id, fn: 'loss', loss };
}

/**
 * An `AUC` entry's settings, as keras.metrics.AUC reads them. What MaskLens does not compute
 * is refused by name (the result leaves the metric out and says why).
 */
function aucConfig(
  reported: string,
  config: Record<string, JsonValue>,
  y: { rank: number; last: number },
  pred: { rank: number; last: number },
): AucConfig {
  const refuse = (why: string) =>
    new UserFacingError(`metric '${reported}' (AUC) is not computed: ${why}`, 'metric-unsupported');
  if (config.multi_label === true) throw refuse('multi_label=True (one curve per label) is not supported');
  if (config.num_labels !== undefined && config.num_labels !== null) throw refuse('num_labels is not supported');
  if (config.label_weights !== undefined && config.label_weights !== null)
    throw refuse('label_weights is not supported');
  const curve = typeof config.curve === 'string' ? config.curve.toUpperCase() : 'ROC';
  if (curve !== 'ROC' && curve !== 'PR') throw refuse(`curve='${curve}' is not supported (ROC and PR are)`);
  const summation =
    typeof config.summation_method === 'string' ? config.summation_method.toLowerCase() : 'interpolation';
  if (summation !== 'interpolation' && summation !== 'minoring' && summation !== 'majoring') {
    throw refuse(`summation_method='${summation}' is not one Keras knows`);
  }
  // AUC compares each output value with a target of the output's shape; class ids are not that.
  if (y.rank < pred.rank - 1 || (y.rank < pred.rank && pred.last !== 1) || (y.last !== pred.last && pred.last !== 1)) {
    throw refuse("its targets are class ids, while AUC needs targets of the output's shape (one-hot or binary)");
  }
  const given = Array.isArray(config.thresholds)
    ? config.thresholds.filter((t): t is number => typeof t === 'number')
    : null;
  const numThresholds = given
    ? given.length + 2
    : typeof config.num_thresholds === 'number'
      ? config.num_thresholds
      : 200;
  if (!Number.isInteger(numThresholds) || numThresholds < 2 || numThresholds > 100_000) {
    throw refuse(`num_thresholds=${numThresholds} is not between 2 and 100,000`);
  }
  return { numThresholds, thresholds: given, curve, summation, fromLogits: config.from_logits === true };
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
    case 'auc':
      throw new Error('AUC is a curve over the whole evaluation, not a value per position');
    case 'custom-class':
      throw new Error('a Metric subclass keeps states over the evaluation, not a value per position');
    case 'custom-function': {
      if (!spec.custom) throw new Error('a user metric without its translation');
      return metricFunctionValues(tf, spec.custom, matchRank(tf, family, yTrue, yPred), yPred);
    }
    case 'loss': {
      if (!spec.loss) throw new Error('a loss metric without its loss');
      return computeLoss(tf, spec.loss, yTrue, yPred, logits, family).values;
    }
  }
}
