/**
 * Keras' `AUC` metric as both families compute it (keras.metrics.AUC in Keras 3.15.1 and
 * tf-keras 2.21 share the algorithm): weighted confusion counts at each threshold, accumulated
 * over the whole evaluation, then the area under the ROC or the precision-recall curve by a
 * Riemann sum (`interpolation`: trapezoids for ROC, Davis & Goadrich's interpolation for PR;
 * `minoring` / `majoring`: the lower / upper step). Labels count as positive when non-zero.
 */
export interface AucConfig {
  /** With the two end thresholds (just below 0 and just above 1). */
  numThresholds: number;
  /** The thresholds the user gave (without the ends), or null for evenly spaced ones. */
  thresholds: number[] | null;
  curve: 'ROC' | 'PR';
  summation: 'interpolation' | 'minoring' | 'majoring';
  fromLogits: boolean;
}

/** An AUC's weighted confusion counts at each threshold. */
export interface AucCounts {
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
}

/** keras.backend.epsilon(): the end thresholds sit this far outside [0, 1]. */
const EPSILON = 1e-7;

export class AucCurve {
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly tn: Float64Array;
  readonly fn: Float64Array;
  private readonly thresholds: Float32Array;
  /** Evenly spaced thresholds: Keras buckets each prediction instead of comparing it with every threshold. */
  private readonly evenly: boolean;

  constructor(readonly config: AucConfig) {
    const n = config.numThresholds;
    const inner = config.thresholds ?? Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
    this.thresholds = Float32Array.from([0 - EPSILON, ...inner, 1 + EPSILON]);
    this.evenly = config.thresholds === null;
    this.tp = new Float64Array(this.thresholds.length);
    this.fp = new Float64Array(this.thresholds.length);
    this.tn = new Float64Array(this.thresholds.length);
    this.fn = new Float64Array(this.thresholds.length);
  }

  /** One batch: predictions in [0, 1] (clipped as Keras clips them), labels and weights of the same length. */
  add(pred: ArrayLike<number>, label: ArrayLike<number>, weight: ArrayLike<number> | null): void {
    const n = this.thresholds.length;
    if (this.evenly) {
      // metrics_utils._update_confusion_matrix_variables_optimized: bucket ceil(p·(n−1)) − 1,
      // the first bucket taking everything below it (the leading threshold is below 0).
      const positive = new Float64Array(n);
      const negative = new Float64Array(n);
      let totalPositive = 0;
      let totalNegative = 0;
      const scale = Math.fround(n - 1);
      for (let i = 0; i < pred.length; i++) {
        const p = Math.min(1, Math.max(0, pred[i]));
        const bucket = Math.max(0, Math.ceil(Math.fround(p * scale)) - 1);
        const w = weight ? weight[i] : 1;
        if (label[i] !== 0) {
          positive[bucket] += w;
          totalPositive += w;
        } else {
          negative[bucket] += w;
          totalNegative += w;
        }
      }
      let tp = 0;
      let fp = 0;
      for (let t = n - 1; t >= 0; t--) {
        tp += positive[t];
        fp += negative[t];
        this.tp[t] += tp;
        this.fp[t] += fp;
        this.tn[t] += totalNegative - fp;
        this.fn[t] += totalPositive - tp;
      }
      return;
    }
    for (let i = 0; i < pred.length; i++) {
      const p = pred[i];
      const w = weight ? weight[i] : 1;
      const positive = label[i] !== 0;
      for (let t = 0; t < n; t++) {
        const above = p > this.thresholds[t];
        if (positive) (above ? this.tp : this.fn)[t] += w;
        else (above ? this.fp : this.tn)[t] += w;
      }
    }
  }

  /** The confusion counts at each threshold, to travel between threads. */
  counts(): AucCounts {
    return { tp: this.tp.slice(), fp: this.fp.slice(), tn: this.tn.slice(), fn: this.fn.slice() };
  }

  /** Another curve's counts over other samples, added (the counts are sums over samples). */
  addCounts(c: AucCounts): void {
    for (let t = 0; t < this.tp.length; t++) {
      this.tp[t] += c.tp[t];
      this.fp[t] += c.fp[t];
      this.tn[t] += c.tn[t];
      this.fn[t] += c.fn[t];
    }
  }

  result(): number {
    const { tp, fp, tn, fn } = this;
    const n = tp.length;
    const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
    if (this.config.curve === 'PR' && this.config.summation === 'interpolation') {
      // AUC.interpolate_pr_auc: precision interpolated linearly in the true positives per bucket.
      let sum = 0;
      for (let i = 0; i < n - 1; i++) {
        const dtp = tp[i] - tp[i + 1];
        const pA = tp[i] + fp[i];
        const pB = tp[i + 1] + fp[i + 1];
        const slope = div(dtp, Math.max(pA - pB, 0));
        const intercept = tp[i + 1] - slope * pB;
        const ratio = pA > 0 && pB > 0 ? div(pA, Math.max(pB, 0)) : 1;
        sum += div(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
      }
      return sum;
    }
    const recall = Array.from(tp, (t, i) => div(t, t + fn[i]));
    const x = this.config.curve === 'ROC' ? Array.from(fp, (f, i) => div(f, f + tn[i])) : recall;
    const y = this.config.curve === 'ROC' ? recall : Array.from(tp, (t, i) => div(t, t + fp[i]));
    let sum = 0;
    for (let i = 0; i < n - 1; i++) {
      const height =
        this.config.summation === 'interpolation'
          ? (y[i] + y[i + 1]) / 2
          : this.config.summation === 'minoring'
            ? Math.min(y[i], y[i + 1])
            : Math.max(y[i], y[i + 1]);
      sum += (x[i] - x[i + 1]) * height;
    }
    return sum;
  }
}
