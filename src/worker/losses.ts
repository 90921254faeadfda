/**
 * Keras losses as tensor ops, reduced over the last (feature) axis only, so the result is
 * the per-timestep loss L (batch × time for sequence outputs). Formulas follow
 * keras/src/losses/losses.py and the TensorFlow backend (and tf_keras where it differs):
 * epsilon clipping, and crossentropy from logits when the output came straight from a
 * sigmoid/softmax, as Keras does.
 */
import type { JsonValue, KerasFamily, LambdaExpr, LambdaFunction } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import type { Tensor } from './layers/base';
import { ExprEvaluator, type Value } from './layers/lambda';
import type { Tf } from './tf';

const EPSILON = 1e-7;

export type LossId =
  | 'mean_squared_error'
  | 'mean_absolute_error'
  | 'mean_absolute_percentage_error'
  | 'mean_squared_logarithmic_error'
  | 'huber'
  | 'log_cosh'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy'
  | 'kl_divergence'
  | 'poisson'
  | 'cosine_similarity'
  | 'hinge'
  | 'squared_hinge'
  | 'categorical_hinge'
  /** The user's own loss function, translated (`LossSpec.custom`). */
  | 'custom';

/** Keras' Loss.reduction: how one batch's weighted values become a number. */
export type KerasReduction = 'sum_over_batch_size' | 'sum' | 'mean_with_sample_weight' | 'none';

export interface LossSpec {
  id: LossId;
  /** As the user wrote it (`"mae"`, `"MeanAbsoluteError"`). */
  display: string;
  fromLogits: boolean;
  labelSmoothing: number;
  delta: number;
  ignoreClass: number | null;
  reduction: KerasReduction;
  /** The user's own loss: `fn(y_true, y_pred)` and how compile() names it. */
  custom?: { fn: LambdaFunction; kind: 'function' | 'loss-class'; line: number | null };
}

/** The Keras losses a translated expression calls (`keras_loss`), by name. */
function kerasLossesCalled(e: LambdaExpr, into: string[] = []): string[] {
  switch (e.op) {
    case 'call':
      if (e.fn === 'keras_loss' && typeof e.kwargs.loss === 'string') into.push(e.kwargs.loss);
      e.args.forEach((a) => kerasLossesCalled(a, into));
      return into;
    case 'binary':
      kerasLossesCalled(e.left, into);
      return kerasLossesCalled(e.right, into);
    case 'unary':
    case 'isNone':
      return kerasLossesCalled(e.operand, into);
    case 'slice':
      return kerasLossesCalled(e.target, into);
    case 'cond':
      [e.test, e.then, e.else].forEach((x) => kerasLossesCalled(x, into));
      return into;
    default:
      return into;
  }
}

/**
 * The loss whose targets synthetic data imitates: the Keras loss a user's loss calls (the
 * translation tutorial's sparse crossentropy takes class ids), else float targets.
 */
export function targetsLossId(spec: LossSpec): string {
  if (!spec.custom) return spec.id;
  const called = kerasLossesCalled(spec.custom.fn.body)[0];
  if (!called) return 'mean_squared_error';
  try {
    return resolveLoss(called).id;
  } catch {
    return 'mean_squared_error';
  }
}

/** A loss the user's code defines, as the reader translated it. */
export function customLossSpec(custom: {
  name: string;
  kind: 'function' | 'loss-class';
  fn: LambdaFunction | null;
  problem: string | null;
  line?: number;
}): LossSpec {
  if (!custom.fn) {
    throw new UserFacingError(custom.problem ?? `loss '${custom.name}' could not be translated`, 'loss-unsupported');
  }
  return {
    id: 'custom',
    display: custom.name,
    fromLogits: false,
    labelSmoothing: 0,
    delta: 1,
    ignoreClass: null,
    // A Loss subclass and a function Keras wraps (LossFunctionWrapper) both reduce with Keras' default.
    reduction: 'sum_over_batch_size',
    custom: { fn: custom.fn, kind: custom.kind, line: custom.line ?? null },
  };
}

const NAMES: Record<string, LossId> = {
  mse: 'mean_squared_error',
  mean_squared_error: 'mean_squared_error',
  meansquarederror: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mean_absolute_error: 'mean_absolute_error',
  meanabsoluteerror: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error',
  meanabsolutepercentageerror: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  meansquaredlogarithmicerror: 'mean_squared_logarithmic_error',
  huber: 'huber',
  huber_loss: 'huber',
  log_cosh: 'log_cosh',
  logcosh: 'log_cosh',
  binary_crossentropy: 'binary_crossentropy',
  binarycrossentropy: 'binary_crossentropy',
  bce: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  categoricalcrossentropy: 'categorical_crossentropy',
  cce: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  sparsecategoricalcrossentropy: 'sparse_categorical_crossentropy',
  kl_divergence: 'kl_divergence',
  kld: 'kl_divergence',
  kldivergence: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  poisson: 'poisson',
  cosine_similarity: 'cosine_similarity',
  cosinesimilarity: 'cosine_similarity',
  hinge: 'hinge',
  squared_hinge: 'squared_hinge',
  squaredhinge: 'squared_hinge',
  categorical_hinge: 'categorical_hinge',
  categoricalhinge: 'categorical_hinge',
};

function objectOf(v: JsonValue | undefined): Record<string, JsonValue> {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** A loss as `compile(loss=...)` gives it: a name, or a serialized `keras.losses.X(...)` object. */
export function resolveLoss(spec: JsonValue | undefined): LossSpec {
  let display: string;
  let config: Record<string, JsonValue> = {};
  if (typeof spec === 'string') display = spec;
  else if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.class_name === 'string') {
    display = spec.class_name;
    config = objectOf(spec.config);
    // Keras 3 serialises a plain loss *function* as {"class_name": "function", "config": "mse"}.
    if ((spec.class_name === 'function' || spec.class_name === '__function__') && typeof spec.config === 'string')
      display = spec.config;
  } else {
    throw new UserFacingError('no loss: the model is not compiled with a loss and none was chosen', 'loss-missing');
  }
  const key = display.replace(/^(keras\.losses\.|losses\.|tf\.keras\.losses\.)/, '').toLowerCase();
  const id = NAMES[key] ?? NAMES[key.replace(/_/g, '')];
  if (!id) {
    throw new UserFacingError(
      `loss '${display}' is not supported (supported: ${[...new Set(Object.values(NAMES))].join(', ')})`,
      'loss-unsupported',
    );
  }
  const num = (k: string, d: number) => (typeof config[k] === 'number' ? (config[k] as number) : d);
  const reduction = typeof config.reduction === 'string' ? config.reduction : 'sum_over_batch_size';
  const reductions: Record<string, KerasReduction> = {
    sum_over_batch_size: 'sum_over_batch_size',
    auto: 'sum_over_batch_size',
    mean: 'sum_over_batch_size',
    sum: 'sum',
    mean_with_sample_weight: 'mean_with_sample_weight',
    none: 'none',
  };
  return {
    id,
    display,
    fromLogits: config.from_logits === true,
    labelSmoothing: num('label_smoothing', 0),
    delta: num('delta', 1),
    ignoreClass: typeof config.ignore_class === 'number' ? config.ignore_class : null,
    reduction: reductions[reduction] ?? 'sum_over_batch_size',
  };
}

/** Keras' squeeze_or_expand_to_same_rank: a trailing dimension of size 1 is squeezed when ranks differ by one. */
function sameRank(tf: Tf, a: Tensor, b: Tensor): [Tensor, Tensor, boolean] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 ? [a, tf.expandDims(b, -1), false] : [tf.squeeze(a, [-1]), b, true];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 ? [tf.expandDims(a, -1), b, false] : [a, tf.squeeze(b, [-1]), true];
  }
  return [a, b, false];
}

export interface LossValues {
  /** The loss after reducing the feature axis (batch × time for sequence outputs). */
  values: Tensor;
  /** A mask the loss itself produces (`ignore_class`), combined with the output mask. */
  mask: Tensor | null;
  /** Note for the user when Keras' shape rules change what the loss averages. */
  note: string | null;
}

function l2Normalize(tf: Tf, x: Tensor, family: KerasFamily): Tensor {
  const sq = tf.sum(tf.square(x), -1, true);
  // Keras 3: x · min(rsqrt(Σx²), 1/ε); tf.keras: x · rsqrt(max(Σx², 1e-12)).
  return family === 'keras3'
    ? tf.mul(x, tf.minimum(tf.rsqrt(sq), 1 / EPSILON))
    : tf.mul(x, tf.rsqrt(tf.maximum(sq, 1e-12)));
}

export function computeLoss(
  tf: Tf,
  spec: LossSpec,
  yTrueIn: Tensor,
  yPredIn: Tensor,
  logitsIn: Tensor | null,
  family: KerasFamily,
  /** The mask the model's output carries (Keras' `y_pred._keras_mask`): a Keras loss inside a custom one applies it. */
  outputMask: Tensor | null = null,
): LossValues {
  let yTrue = yTrueIn.dtype === 'float32' ? yTrueIn : tf.cast(yTrueIn, 'float32');
  if (spec.custom)
    return {
      values: runCustomLoss(tf, spec, spec.custom.fn, yTrue, yPredIn, family, outputMask),
      mask: null,
      note: null,
    };
  let yPred = yPredIn;
  let logits = logitsIn;
  let note: string | null = null;
  if (spec.id === 'sparse_categorical_crossentropy') {
    if (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1) yTrue = tf.squeeze(yTrue, [-1]);
    return sparseCce(tf, spec, yTrue, yPred, logits);
  }
  if (yTrue.rank !== yPred.rank) {
    const [t, p, squeezedPred] = sameRank(tf, yTrue, yPred);
    if (squeezedPred && p !== yPred) {
      note = `the targets have shape (${yTrue.shape.join(', ')}) and the output (${yPred.shape.join(', ')}): Keras squeezes the output's last axis, so the loss averages over time inside each sample and the timestep mask can only weight whole samples`;
      logits = null;
    }
    yTrue = t;
    yPred = p;
  }
  const mean = (x: Tensor) => tf.mean(x, -1);
  const eps = EPSILON;
  switch (spec.id) {
    case 'mean_squared_error':
      return { values: mean(tf.square(tf.sub(yTrue, yPred))), mask: null, note };
    case 'mean_absolute_error':
      return { values: mean(tf.abs(tf.sub(yTrue, yPred))), mask: null, note };
    case 'mean_absolute_percentage_error':
      return {
        values: tf.mul(100, mean(tf.abs(tf.div(tf.sub(yTrue, yPred), tf.maximum(tf.abs(yTrue), eps))))),
        mask: null,
        note,
      };
    case 'mean_squared_logarithmic_error': {
      const a = tf.log(tf.add(tf.maximum(yPred, eps), 1));
      const b = tf.log(tf.add(tf.maximum(yTrue, eps), 1));
      return { values: mean(tf.square(tf.sub(a, b))), mask: null, note };
    }
    case 'huber': {
      // Keras: where(|e| <= δ, ½e², δ|e| − ½δ²), written without a comparison on the gradient
      // path (tfjs has no gradient for comparisons): ½·min(|e|, δ)² + δ·(|e| − min(|e|, δ)).
      const abs = tf.abs(tf.sub(yPred, yTrue));
      const d = spec.delta;
      const small = tf.minimum(abs, d);
      return { values: mean(tf.add(tf.mul(0.5, tf.square(small)), tf.mul(d, tf.sub(abs, small)))), mask: null, note };
    }
    case 'log_cosh': {
      const x = tf.sub(yPred, yTrue);
      return { values: mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2))), mask: null, note };
    }
    case 'binary_crossentropy': {
      let t = yTrue;
      if (spec.labelSmoothing) t = tf.add(tf.mul(t, 1 - spec.labelSmoothing), 0.5 * spec.labelSmoothing);
      const x = spec.fromLogits ? yPred : logits;
      if (x) {
        // sigmoid_cross_entropy_with_logits: max(x, 0) − x·z + log(1 + exp(−|x|)).
        return {
          values: mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))),
          mask: null,
          note,
        };
      }
      const p = tf.clipByValue(yPred, eps, 1 - eps);
      const pad = family === 'tf-keras2' ? eps : 0;
      const bce = tf.add(tf.mul(t, tf.log(tf.add(p, pad))), tf.mul(tf.sub(1, t), tf.log(tf.add(tf.sub(1, p), pad))));
      return { values: mean(tf.neg(bce)), mask: null, note };
    }
    case 'categorical_crossentropy': {
      let t = yTrue;
      if (spec.labelSmoothing)
        t = tf.add(tf.mul(t, 1 - spec.labelSmoothing), spec.labelSmoothing / t.shape[t.rank - 1]);
      const x = spec.fromLogits ? yPred : logits;
      if (x) return { values: tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(x, -1)), -1)), mask: null, note };
      const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, -1, true)), eps, 1 - eps);
      return { values: tf.neg(tf.sum(tf.mul(t, tf.log(p)), -1)), mask: null, note };
    }
    case 'kl_divergence': {
      const t = tf.clipByValue(yTrue, eps, 1);
      const p = tf.clipByValue(yPred, eps, 1);
      return { values: tf.sum(tf.mul(t, tf.log(tf.div(t, p))), -1), mask: null, note };
    }
    case 'poisson':
      return { values: mean(tf.sub(yPred, tf.mul(yTrue, tf.log(tf.add(yPred, eps))))), mask: null, note };
    case 'cosine_similarity':
      return {
        values: tf.neg(tf.sum(tf.mul(l2Normalize(tf, yTrue, family), l2Normalize(tf, yPred, family)), -1)),
        mask: null,
        note,
      };
    case 'hinge':
    case 'squared_hinge': {
      // Keras converts {0, 1} labels to {−1, 1} when every label is 0 or 1.
      const binary = tf.all(tf.logicalOr(tf.equal(yTrue, 0), tf.equal(yTrue, 1)));
      const t = tf.where(tf.broadcastTo(binary, yTrue.shape), tf.sub(tf.mul(yTrue, 2), 1), yTrue);
      const h = tf.maximum(tf.sub(1, tf.mul(t, yPred)), 0);
      return { values: mean(spec.id === 'hinge' ? h : tf.square(h)), mask: null, note };
    }
    case 'categorical_hinge': {
      const pos = tf.sum(tf.mul(yTrue, yPred), -1);
      const neg = tf.max(tf.mul(tf.sub(1, yTrue), yPred), -1);
      return { values: tf.maximum(tf.add(tf.sub(neg, pos), 1), 0), mask: null, note };
    }
  }
  throw new UserFacingError(`loss '${spec.display}' is not implemented`, 'loss-unsupported');
}

function sparseCce(tf: Tf, spec: LossSpec, labels: Tensor, yPred: Tensor, logits: Tensor | null): LossValues {
  if (labels.rank !== yPred.rank - 1) {
    throw new UserFacingError(
      `sparse_categorical_crossentropy needs integer labels of shape (${yPred.shape.slice(0, -1).join(', ')}) or (${[...yPred.shape.slice(0, -1), 1].join(', ')}); got (${labels.shape.join(', ')})`,
      'data-shape',
      'y',
    );
  }
  let valid: Tensor | null = null;
  let ids = labels;
  if (spec.ignoreClass !== null) {
    valid = tf.notEqual(labels, spec.ignoreClass);
    ids = tf.where(valid, labels, tf.zerosLike(labels));
  }
  let x = spec.fromLogits ? yPred : logits;
  if (!x) x = tf.log(tf.clipByValue(yPred, EPSILON, 1 - EPSILON));
  if (valid) x = tf.where(tf.broadcastTo(tf.expandDims(valid, -1), x.shape), x, tf.zerosLike(x));
  const classes = x.shape[x.rank - 1];
  const oneHot = tf.oneHot(tf.cast(tf.reshape(ids, [-1]), 'int32'), classes).reshape(x.shape);
  // sparse_softmax_cross_entropy_with_logits: logsumexp(x) − x[label].
  let values = tf.sub(tf.logSumExp(x, -1), tf.sum(tf.mul(oneHot, x), -1));
  if (valid) values = tf.where(valid, values, tf.zerosLike(values));
  return { values, mask: valid, note: null };
}

/**
 * The user's loss function on (y_true, y_pred). What it returns keeps its shape: per
 * position, per sample, or one number. A Keras loss called inside it (`loss_object(y, p)`,
 * `keras.losses.sparse_categorical_crossentropy(...)`) runs here, reduced as its object says.
 */
function runCustomLoss(
  tf: Tf,
  spec: LossSpec,
  fn: LambdaFunction,
  yTrue: Tensor,
  yPred: Tensor,
  family: KerasFamily,
  outputMask: Tensor | null,
): Tensor {
  const label = `loss '${spec.display}'${spec.custom?.line ? ` (line ${spec.custom.line})` : ''}`;
  const outside = (what: string): never => {
    throw new UserFacingError(`${label}: ${what} has no meaning in a loss`, 'loss-unsupported');
  };
  const ev: ExprEvaluator = new ExprEvaluator(tf, spec.display, {
    label,
    self: (name) => outside(`self.${name}`),
    layer: (name) => outside(`calling the layer self.${name}`),
    addWeight: () => outside('add_weight'),
    call: (name: string, args: Value[], kwargs: Record<string, Value>): Value | undefined =>
      name === 'keras_loss'
        ? kerasLossInside(tf, ev, args, kwargs, family, args[1] === yPred ? outputMask : null)
        : undefined,
  });
  return ev.asTensor(ev.evaluate(fn.body, [yTrue, yPred]));
}

function kerasLossInside(
  tf: Tf,
  ev: ExprEvaluator,
  args: Value[],
  kwargs: Record<string, Value>,
  family: KerasFamily,
  /** The model output's mask, when the loss is given the output itself (`loss_object(y_true, y_pred)`). */
  predMask: Tensor | null,
): Tensor {
  const { loss, reduction, ...options } = kwargs;
  const config: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(options)) if (v === null || typeof v !== 'object') config[k] = v;
  const spec = resolveLoss({ class_name: String(loss), config });
  const yTrue = ev.asTensor(args[0] ?? null);
  const yPred = ev.asTensor(args[1] ?? null);
  const lv = computeLoss(tf, spec, yTrue.dtype === 'float32' ? yTrue : tf.cast(yTrue, 'float32'), yPred, null, family);
  // Keras' Loss.__call__ reads the mask y_pred carries and weights the values with it: zero at
  // masked positions, and a mean over the valid ones (apply_mask / apply_valid_mask).
  let mask = predMask ? tf.cast(predMask, 'float32') : null;
  while (mask && mask.rank < lv.values.rank) mask = tf.expandDims(mask, -1);
  if (mask && mask.rank > lv.values.rank) {
    throw new UserFacingError(
      `a Keras loss inside the loss returns values of shape (${lv.values.shape.join(', ')}), which the output's mask of shape (${predMask?.shape.join(', ')}) cannot weight`,
      'loss-unsupported',
    );
  }
  const values = mask ? tf.mul(lv.values, mask) : lv.values;
  // Keras 3 writes `reduction=None` for no reduction; tf.keras `reduction='none'`.
  if (reduction === null || reduction === 'none') return values;
  if (reduction === 'sum') return tf.sum(values);
  if (!mask) return tf.mean(values);
  const valid = tf.sum(tf.mul(mask, tf.onesLike(lv.values)));
  return tf.div(tf.sum(values), family === 'keras3' ? tf.add(valid, 1e-7) : valid);
}
