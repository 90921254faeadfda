/**
 * The user's own metrics at run time. A function `(y_true, y_pred)` gives values per position
 * (or per sample), which Keras wraps in a mean as it does its own metric functions. A
 * `keras.metrics.Metric` subclass keeps states across the batches: `update_state` gives their
 * new values, `result` reads them, `reset_state` (or Keras' own: every state zero) starts them,
 * as `evaluate` does before its first batch in both families.
 *
 * What each Keras passes a Metric subclass as `sample_weight` (read in keras/src/trainers/
 * compile_utils.py and tf_keras/src/engine/compile_utils.py, measured: test/golden
 * custom_metrics_* cases): Keras 3.15.1's CompileMetrics calls `update_state(y_true, y_pred)`
 * for `metrics=` and adds the sample weights alone for `weighted_metrics=`, so no mask reaches
 * the metric; tf-keras 2.21's MetricsContainer passes the output mask (`sample_weight=mask`)
 * for `metrics=` and the mask times the sample weights for `weighted_metrics=`, after
 * `match_dtype_and_rank` gives (batch,) targets and weights a last axis against a 2-D output.
 */
import type { KerasFamily } from '../core/ir';
import type { CustomMetricSpec } from '../core/protocol/runtimeTasks';
import { UserFacingError } from '../core/protocol/task';
import type { Tensor } from './layers/base';
import { ExprEvaluator, type Value } from './layers/lambda';
import type { Tf } from './tf';

type MetricClass = NonNullable<CustomMetricSpec['metricClass']>;

/** How messages name the metric: `metric 'masked_accuracy' (line 12)`. */
export function metricLabel(spec: CustomMetricSpec): string {
  return `metric '${spec.name}'${spec.line ? ` (line ${spec.line})` : ''}`;
}

function evaluator(tf: Tf, spec: CustomMetricSpec, state: (name: string) => Value): ExprEvaluator {
  const label = metricLabel(spec);
  const outside = (what: string): never => {
    throw new UserFacingError(`${label}: ${what} has no meaning in a metric`, 'metric-unsupported');
  };
  return new ExprEvaluator(tf, spec.name, {
    label,
    self: state,
    layer: (name) => outside(`calling the layer self.${name}`),
    addWeight: () => outside('add_weight outside __init__'),
  });
}

/** A metric function's values on one batch (their shape is the function's). */
export function metricFunctionValues(tf: Tf, spec: CustomMetricSpec, yTrue: Tensor, yPred: Tensor): Tensor {
  if (!spec.fn)
    throw new UserFacingError(spec.problem ?? `${metricLabel(spec)} could not be translated`, 'metric-unsupported');
  const ev = evaluator(tf, spec, (name) => {
    throw new UserFacingError(`${metricLabel(spec)}: self.${name} has no meaning in a function`, 'metric-unsupported');
  });
  const values = ev.asTensor(ev.evaluate(spec.fn.body, [yTrue, yPred]));
  return values.dtype === 'float32' ? values : tf.cast(values, 'float32');
}

/** tf-keras' match_dtype_and_rank: (batch,) targets and weights get a last axis against a (batch, n) output. */
export function matchRank(tf: Tf, family: KerasFamily, t: Tensor, yPred: Tensor): Tensor {
  return family === 'tf-keras2' && t.rank === 1 && yPred.rank === 2 ? tf.expandDims(t, -1) : t;
}

/**
 * One Metric subclass instance's states over an evaluation. The states live as plain arrays
 * between batches, so each batch's tensors can be released with it.
 */
export class MetricClassRun {
  private readonly cls: MetricClass;
  private states: { shape: number[]; data: Float32Array }[];

  constructor(
    private readonly tf: Tf,
    private readonly spec: CustomMetricSpec,
  ) {
    if (!spec.metricClass)
      throw new UserFacingError(spec.problem ?? `${metricLabel(spec)} could not be translated`, 'metric-unsupported');
    this.cls = spec.metricClass;
    this.states = this.cls.states.map((s) => ({ shape: s.shape, data: new Float32Array(size(s.shape)) }));
    const reset = this.cls.reset;
    if (reset) this.tf.tidy(() => this.store(this.run(reset.body, [])));
  }

  private read(name: string): Tensor {
    const i = this.cls.states.findIndex((s) => s.attr === name);
    if (i < 0)
      throw new UserFacingError(
        `${metricLabel(this.spec)}: self.${name} is not one of its states`,
        'metric-unsupported',
      );
    return this.tf.tensor(this.states[i].data, this.states[i].shape);
  }

  private run(body: MetricClass['update']['body'], args: Value[]): Value {
    const ev = evaluator(this.tf, this.spec, (name) => this.read(name));
    return ev.evaluate(body, args);
  }

  /** The states' new values, each broadcast to its declared shape. */
  private store(values: Value): void {
    const list = Array.isArray(values) ? values : [values];
    const tf = this.tf;
    this.states = this.cls.states.map((s, i) => {
      const v = list[i];
      const t = typeof v === 'number' || typeof v === 'boolean' ? tf.scalar(Number(v)) : (v as Tensor | null);
      if (t === null || t === undefined || Array.isArray(t))
        throw new UserFacingError(
          `${metricLabel(this.spec)}: self.${s.attr} was given no tensor`,
          'metric-unsupported',
        );
      if (t.size !== size(s.shape))
        throw new UserFacingError(
          `${metricLabel(this.spec)}: self.${s.attr} has shape (${s.shape.join(', ')}) and was given a value of shape (${t.shape.join(', ')})`,
          'metric-unsupported',
        );
      return { shape: s.shape, data: Float32Array.from(tf.cast(t, 'float32').dataSync()) };
    });
  }

  /** `update_state(y_true, y_pred, sample_weight)` on one batch. */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null): void {
    this.tf.tidy(() => this.store(this.run(this.cls.update.body, [yTrue, yPred, sampleWeight])));
  }

  result(): number {
    return this.tf.tidy(() => {
      const v = this.run(this.cls.result.body, []);
      if (typeof v === 'number') return v;
      if (v === null || typeof v !== 'object' || Array.isArray(v) || v.size !== 1)
        throw new UserFacingError(`${metricLabel(this.spec)}: result() gives no single number`, 'metric-unsupported');
      return v.dataSync()[0];
    });
  }
}

function size(shape: number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}
