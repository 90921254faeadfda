/**
 * Compiled metrics over an evaluation, batch by batch, as Keras accumulates them: each metric's
 * value at every position and under the output mask (running sums, AUC's curves, or a user's
 * Metric subclass run twice), then what the chosen Keras reports and what it does with the mask.
 * A metric MaskLens cannot compute or show is left out with its reason; the rest go on.
 */
import type { KerasFamily } from '../core/ir';
import { AucCurve } from '../core/metrics/auc';
import type { MetricsState, MetricState } from '../core/runtime/evaluationState';
import { UserFacingError } from '../core/protocol/task';
import type { NdArray } from '../core/runtime/array';
import { MetricClassRun, matchRank } from './customMetrics';
import type { Tensor } from './layers/base';
import { metricValues, type MetricSpec, resolveMetric } from './metrics';
import { align } from './reductions';
import { type Session, toTensor } from './session';
import type { Tf } from './tf';

/** Running sums of one metric: Keras' metrics accumulate over every batch before dividing. */
interface MetricSums {
  spec: MetricSpec;
  all: number;
  allWeight: number;
  kept: number;
  keptWeight: number;
  /** AUC: its curves over every position and under the mask, instead of sums. */
  curves: { all: AucCurve; kept: AucCurve } | null;
  /** A Metric subclass: its states given no mask, and given the output mask as its sample weights. */
  runs: { all: MetricClassRun; kept: MetricClassRun } | null;
}

/** One batch of a metric's values per position, weighted by the mask and (weighted_metrics=) the sample weights. */
function addValues(tf: Tf, sums: MetricSums, values: Tensor, mask: Tensor | null, sw: NdArray | null): void {
  if (values.rank === 0)
    throw new UserFacingError(
      `metric '${sums.spec.name}' returns one number per batch, which a Keras mean cannot weight by the mask per position; MaskLens does not compute it`,
      'metric-unsupported',
    );
  const am = align(tf, values, mask, sw ? toTensor(tf, sw) : null);
  addMetric(
    sums,
    am.loss.dataSync() as Float32Array,
    am.hasMask ? am.mask.dataSync() : null,
    sw ? am.weight.dataSync() : null,
  );
}

function addMetric(
  sums: MetricSums,
  values: Float32Array | Int32Array | Uint8Array,
  mask: ArrayLike<number> | null,
  weight: ArrayLike<number> | null,
): void {
  for (let i = 0; i < values.length; i++) {
    const w = weight && sums.spec.weighted ? weight[i] : 1;
    sums.all += values[i] * w;
    sums.allWeight += w;
    const m = mask ? mask[i] : 1;
    sums.kept += values[i] * w * m;
    sums.keptWeight += w * m;
  }
}

/** One batch of an AUC: the predictions, targets, mask and weights of the same length. */
function addCurve(
  curves: { all: AucCurve; kept: AucCurve },
  pred: ArrayLike<number>,
  label: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  weight: ArrayLike<number> | null,
): void {
  curves.all.add(pred, label, weight);
  const kept = mask ? Float64Array.from(mask, (m, i) => m * (weight ? weight[i] : 1)) : weight;
  curves.kept.add(pred, label, kept);
}

/**
 * One batch of a Metric subclass, run twice: with what it gets when no mask reaches it (the
 * sample weights for weighted_metrics=, else None) and with the output mask as its sample
 * weights (times the sample weights for weighted_metrics=), as tf-keras 2.21 passes them.
 */
function updateRuns(
  tf: Tf,
  family: KerasFamily,
  sums: MetricSums & { runs: NonNullable<MetricSums['runs']> },
  y: Tensor,
  out: Tensor,
  mask: Tensor | null,
  sw: Tensor | null,
): void {
  const target = matchRank(tf, family, y, out);
  const weight = sums.spec.weighted && sw ? matchRank(tf, family, tf.cast(sw, 'float32'), out) : null;
  sums.runs.all.update(target, out, weight);
  if (!mask) return;
  let kept: Tensor = tf.cast(mask, 'bool');
  if (weight) {
    let w = weight;
    if (w.rank === mask.rank + 1 && w.shape[w.rank - 1] === 1) w = tf.squeeze(w, [-1]);
    while (w.rank < mask.rank) w = tf.expandDims(w, -1);
    kept = tf.mul(tf.cast(mask, 'float32'), w);
  }
  sums.runs.kept.update(target, out, kept);
}

/** The compiled metrics of one evaluation: resolved at the first batch, whose shapes decide what `"accuracy"` is. */
export class CompiledMetrics {
  private sums: MetricSums[] | null = null;
  /** A mask reached the output in some batch. */
  private masked = false;

  constructor(
    private readonly session: Session,
    /** Where the reasons for left-out metrics and Keras' mask rules go. */
    private readonly notes: Set<string>,
  ) {}

  private resolve(y: Tensor, out: Tensor): MetricSums[] {
    const { tf, runtime } = this.session;
    const dims = (t: { shape: number[] }) => ({ rank: t.shape.length, last: t.shape[t.shape.length - 1] ?? 1 });
    const sums: MetricSums[] = [];
    for (const m of this.session.metrics) {
      try {
        const spec = resolveMetric(runtime.family, m.spec, m.weighted, dims(y), dims(out), this.session.customMetrics);
        const curves = spec.auc ? { all: new AucCurve(spec.auc), kept: new AucCurve(spec.auc) } : null;
        const runs =
          spec.fn === 'custom-class' && spec.custom
            ? { all: new MetricClassRun(tf, spec.custom), kept: new MetricClassRun(tf, spec.custom) }
            : null;
        sums.push({ spec, all: 0, allWeight: 0, kept: 0, keptWeight: 0, curves, runs });
      } catch (error) {
        // A metric MaskLens cannot compute leaves the loss and the other metrics as they are.
        if (!(error instanceof UserFacingError)) throw error;
        this.notes.add(`${error.message}; it is left out`);
      }
    }
    return sums;
  }

  /** One batch: targets, the output (its logits where known), the output's mask and the sample weights. */
  add(y: Tensor, out: Tensor, logits: Tensor | null, mask: Tensor | null, sw: NdArray | null): void {
    const { tf, runtime } = this.session;
    const all = (this.sums ??= this.resolve(y, out));
    // Keras weights metrics by the output's own mask (a loss' ignore_class does not reach them).
    if (mask) this.masked = true;
    for (const sums of [...all]) {
      if (sums.spec.custom) {
        // The user's metric failing (a shape its code cannot take) leaves the rest of the evaluation as it is.
        try {
          if (sums.runs)
            updateRuns(tf, runtime.family, { ...sums, runs: sums.runs }, y, out, mask, sw ? toTensor(tf, sw) : null);
          else addValues(tf, sums, metricValues(tf, sums.spec, y, out, logits, runtime.family), mask, sw);
        } catch (error) {
          if (!(error instanceof UserFacingError)) throw error;
          this.notes.add(`${error.message}; it is left out`);
          all.splice(all.indexOf(sums), 1);
        }
        continue;
      }
      if (sums.curves) {
        // AUC compares every output value with its target: both aligned with the mask and weights.
        const pred = sums.spec.auc?.fromLogits ? tf.sigmoid(out) : out;
        const target = y.size === out.size && y.rank !== out.rank ? tf.reshape(y, out.shape) : y;
        const ap = align(tf, pred, mask, sw && sums.spec.weighted ? toTensor(tf, sw) : null);
        const at = align(tf, tf.cast(target, 'float32'), mask, null);
        addCurve(
          sums.curves,
          ap.loss.dataSync(),
          at.loss.dataSync(),
          ap.hasMask ? ap.mask.dataSync() : null,
          sw && sums.spec.weighted ? ap.weight.dataSync() : null,
        );
        continue;
      }
      addValues(tf, sums, metricValues(tf, sums.spec, y, out, logits, runtime.family), mask, sw);
    }
  }

  /**
   * Every metric's state after the last batch: sums and curves as they are (they add up over
   * shards of the samples), a Metric subclass' results read now (its states are its own).
   */
  state(): MetricsState {
    const metrics = (this.sums ?? []).flatMap((sums): MetricState[] => {
      const { spec } = sums;
      const info = {
        name: spec.name,
        resolved: spec.resolved,
        weighted: spec.weighted,
        fn: spec.fn,
        custom: spec.custom !== null,
      };
      if (sums.curves && spec.auc)
        return [
          { ...info, kind: 'curves', config: spec.auc, all: sums.curves.all.counts(), kept: sums.curves.kept.counts() },
        ];
      if (sums.runs) {
        try {
          return [{ ...info, kind: 'final', unmasked: sums.runs.all.result(), kept: sums.runs.kept.result() }];
        } catch (error) {
          // A user's result() MaskLens cannot show (not one number) leaves the other metrics as they are.
          if (!(error instanceof UserFacingError)) throw error;
          this.notes.add(`${error.message}; it is left out`);
          return [];
        }
      }
      const { all, allWeight, kept, keptWeight } = sums;
      return [{ ...info, kind: 'sums', all, allWeight, kept, keptWeight }];
    });
    return { masked: this.masked, metrics };
  }
}
