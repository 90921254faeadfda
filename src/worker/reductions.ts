/**
 * From per-timestep losses L, the output mask m and sample weights w to numbers:
 *  * the four MaskLens reductions (DESIGN.md), as tensors so training can minimise them;
 *  * the number Keras itself reports, per family, reproducing its shape rules exactly
 *    (Keras 3 broadcasts per-sample weights against the *last* axis of L, so on sequence
 *    outputs they either fail or weight timesteps; tf.keras expands them per sample).
 */
import type { KerasFamily } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import type { ReductionId } from '../core/reductions';
import type { Tensor } from './layers/base';
import type { KerasReduction } from './losses';
import type { Tf } from './tf';

export interface Aligned {
  /** L, the mask (1/0) and the per-sample-semantics weights, all of one shape (batch first). */
  loss: Tensor;
  mask: Tensor;
  weight: Tensor;
  hasMask: boolean;
}

/** Lines up L, m and w: Keras' squeeze/expand of a trailing axis, then broadcasting. */
export function align(tf: Tf, loss: Tensor, mask: Tensor | null, weight: Tensor | null): Aligned {
  let L = loss;
  let m = mask ? tf.cast(mask, 'float32') : null;
  if (m && m.rank !== L.rank) {
    if (L.rank === m.rank + 1 && L.shape[L.rank - 1] === 1) L = tf.squeeze(L, [-1]);
    else if (m.rank === L.rank + 1 && m.shape[m.rank - 1] === 1) m = tf.squeeze(m, [-1]);
    while (L.rank < m.rank) L = tf.expandDims(L, -1);
    while (m.rank < L.rank) m = tf.expandDims(m, -1);
  }
  let w = weight ? tf.cast(weight, 'float32') : null;
  const target = L.shape.map((d, i) => Math.max(d, m ? m.shape[i] : 1));
  if (w) {
    // Per-sample weights mean per sample: (batch,) → (batch, 1, ...).
    if (w.rank === target.length + 1 && w.shape[w.rank - 1] === 1) w = tf.squeeze(w, [-1]);
    while (w.rank < target.length) w = tf.expandDims(w, -1);
    if (w.shape.some((d, i) => d !== 1 && d !== target[i])) {
      throw new UserFacingError(
        `sample weights of shape (${weight?.shape.join(', ')}) do not fit the per-timestep loss of shape (${target.join(', ')}); give one weight per sample or per timestep`,
        'data-shape',
        'sampleWeight',
      );
    }
  }
  return {
    loss: tf.broadcastTo(L, target),
    mask: m ? tf.broadcastTo(m, target) : tf.ones(target),
    weight: w ? tf.broadcastTo(w, target) : tf.ones(target),
    hasMask: m !== null,
  };
}

/**
 * x / y, and 0 where y is 0. Not tf.divNoNan: its internal `equal` lies on the gradient
 * path and has no gradient in tfjs; here the test only touches y, which holds no variables.
 */
function safeDiv(tf: Tf, x: Tensor, y: Tensor): Tensor {
  const nonZero = tf.notEqual(y, 0);
  return tf.mul(tf.div(x, tf.where(nonZero, y, tf.onesLike(y))), tf.cast(nonZero, 'float32'));
}

/** One reduction as a scalar tensor (differentiable). */
export function reduce(tf: Tf, id: ReductionId, a: Aligned): Tensor {
  const lw = tf.mul(a.loss, a.weight);
  const count = a.loss.size;
  switch (id) {
    case 'none':
      return tf.div(tf.sum(lw), count);
    case 'total-mean':
      return tf.div(tf.sum(tf.mul(lw, a.mask)), count);
    case 'valid-mean':
      return safeDiv(tf, tf.sum(tf.mul(lw, a.mask)), tf.sum(a.mask));
    case 'sequence-mean': {
      const b = a.loss.shape[0];
      const perSample = tf.reshape(tf.mul(lw, a.mask), [b, -1]);
      const valid = tf.sum(tf.reshape(a.mask, [b, -1]), 1);
      const means = safeDiv(tf, tf.sum(perSample, 1), valid);
      const has = tf.cast(tf.greater(valid, 0), 'float32');
      return safeDiv(tf, tf.sum(tf.mul(means, has)), tf.sum(has));
    }
  }
}

// ------------------------------------------------------------------ what Keras reports

interface Arr {
  shape: number[];
  data: Float64Array;
}

function broadcastShapes(a: number[], b: number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new UserFacingError(
        `Keras fails here: Incompatible shapes: [${a.join(',')}] vs. [${b.join(',')}] (${what})`,
        'keras-incompatible-shapes',
      );
    }
    out.push(Math.max(x, y));
  }
  return out;
}

function mul(a: Arr, b: Arr, what: string): Arr {
  const shape = broadcastShapes(a.shape, b.shape, what);
  const n = shape.reduce((x, y) => x * y, 1);
  const data = new Float64Array(n);
  const idx = (s: number[], flat: number) => {
    let off = 0;
    let stride = 1;
    let rem = flat;
    const coords: number[] = [];
    for (let i = shape.length - 1; i >= 0; i--) {
      coords[i] = rem % shape[i];
      rem = Math.floor(rem / shape[i]);
    }
    for (let i = s.length - 1; i >= 0; i--) {
      const c = coords[shape.length - s.length + i];
      off += (s[i] === 1 ? 0 : c) * stride;
      stride *= s[i];
    }
    return off;
  };
  for (let i = 0; i < n; i++) data[i] = a.data[idx(a.shape, i)] * b.data[idx(b.shape, i)];
  return { shape, data };
}

const squeezeLast = (a: Arr): Arr => ({ shape: a.shape.slice(0, -1), data: a.data });
const expandLast = (a: Arr): Arr => ({ shape: [...a.shape, 1], data: a.data });

/** keras/src/losses/loss.py squeeze_or_expand_to_same_rank. */
function sameRankKeras3(x1: Arr, x2: Arr): [Arr, Arr] {
  if (x1.shape.length === x2.shape.length + 1 && x1.shape[x1.shape.length - 1] === 1) {
    return x2.shape.length === 1 ? [x1, expandLast(x2)] : [squeezeLast(x1), x2];
  }
  if (x2.shape.length === x1.shape.length + 1 && x2.shape[x2.shape.length - 1] === 1) {
    return x1.shape.length === 1 ? [expandLast(x1), x2] : [x1, squeezeLast(x2)];
  }
  return [x1, x2];
}

/** tf_keras losses_utils.squeeze_or_expand_dimensions, for the weights against `ref`. */
function weightsToRankTfKeras(ref: Arr, w: Arr): Arr {
  const d = w.shape.length - ref.shape.length;
  if (d === 1) {
    const last = w.shape[w.shape.length - 1];
    if (last !== 1) {
      throw new UserFacingError(
        `Keras fails here: Can not squeeze dim[${w.shape.length - 1}], expected a dimension of 1, got ${last} (the weights of shape [${w.shape.join(',')}] against a loss of shape [${ref.shape.join(',')}])`,
        'keras-incompatible-shapes',
      );
    }
    return squeezeLast(w);
  }
  if (d === -1) return expandLast(w);
  return w;
}

const sum = (a: Arr) => a.data.reduce((x, y) => x + y, 0);
const size = (a: Arr) => a.shape.reduce((x, y) => x * y, 1);
const noNan = (x: number, y: number) => (y === 0 ? 0 : x / y);

/** The loss Keras computes for one batch. */
export function kerasBatchLoss(
  family: KerasFamily,
  reduction: KerasReduction,
  L: Arr,
  mask: Arr | null,
  sw: Arr | null,
): number {
  if (family === 'keras3') {
    let weight = sw;
    if (mask) {
      const valid = sum(mask);
      const total = size(mask);
      const factor = reduction === 'sum_over_batch_size' ? noNan(total, valid) : 1;
      let fm: Arr = { shape: mask.shape, data: mask.data.map((v) => (v ? factor : 0)) };
      if (weight) {
        [fm, weight] = sameRankKeras3(fm, weight);
        weight = mul(weight, fm, 'sample weight × mask');
      } else weight = fm;
    }
    let values = L;
    if (weight) {
      [values, weight] = sameRankKeras3(values, weight);
      values = mul(values, weight, 'loss × sample weight');
    }
    if (reduction === 'sum') return sum(values);
    if (reduction === 'mean_with_sample_weight' && weight) return noNan(sum(values), sum(weight));
    return noNan(sum(values), size(values));
  }
  // tf.keras 2: compile_utils applies the mask to the weights, then Loss.__call__ rescales by total/valid.
  let weight = sw;
  if (mask) {
    const w1 = weight ? mul(weightsToRankTfKeras(mask, weight), mask, 'sample weight × mask') : mask;
    const valid = sum(mask);
    const total = size(mask);
    const factor = reduction === 'sum_over_batch_size' ? total / valid : 1; // no divide_no_nan: all-masked gives NaN
    const fm: Arr = { shape: mask.shape, data: mask.data.map((v) => v * factor) };
    weight = mul(weightsToRankTfKeras(fm, w1), fm, 'sample weight × valid mask');
  }
  let values = L;
  if (weight) values = mul(values, weightsToRankTfKeras(values, weight), 'loss × sample weight');
  if (reduction === 'sum') return sum(values);
  return noNan(sum(values), size(values));
}

/** What `model.evaluate(..., batch_size)` prints: batch losses averaged, weighted by batch size. */
export function kerasEvaluateLoss(
  family: KerasFamily,
  reduction: KerasReduction,
  L: Arr,
  mask: Arr | null,
  sw: Arr | null,
  batchSize: number,
): number {
  const n = L.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const slice = (a: Arr | null): Arr | null => {
      if (!a) return null;
      const inner = a.shape.slice(1).reduce((x, y) => x * y, 1);
      return { shape: [end - start, ...a.shape.slice(1)], data: a.data.slice(start * inner, end * inner) };
    };
    total += kerasBatchLoss(family, reduction, slice(L) as Arr, slice(mask), slice(sw)) * (end - start);
  }
  return n === 0 ? 0 : total / n;
}

/**
 * `kerasEvaluateLoss` fed chunk by chunk: Keras' batches are cut across the chunks in row
 * order and each batch's loss is added exactly as the whole-array function adds it, so the
 * result is the same number however the rows arrive.
 */
export class KerasEvaluateStream {
  private pending: { L: Arr; mask: Arr | null; sw: Arr | null } | null = null;
  private total = 0;
  private rows = 0;

  constructor(
    private readonly family: KerasFamily,
    private readonly reduction: KerasReduction,
    private readonly batchSize: number,
  ) {}

  add(L: Arr, mask: Arr | null, sw: Arr | null): void {
    this.pending = this.pending
      ? {
          L: joinRows(this.pending.L, L),
          mask: joinRowsOrNull(this.pending.mask, mask),
          sw: joinRowsOrNull(this.pending.sw, sw),
        }
      : { L, mask, sw };
    while (this.pending && this.pending.L.shape[0] >= this.batchSize) this.flush(this.batchSize);
  }

  private flush(count: number): void {
    const p = this.pending;
    if (!p) return;
    const head = (a: Arr | null) => (a ? rowsOf(a, 0, count) : null);
    const tail = (a: Arr | null) => (a ? rowsOf(a, count, a.shape[0]) : null);
    this.total += kerasBatchLoss(this.family, this.reduction, rowsOf(p.L, 0, count), head(p.mask), head(p.sw)) * count;
    this.rows += count;
    this.pending = p.L.shape[0] > count ? { L: tail(p.L) as Arr, mask: tail(p.mask), sw: tail(p.sw) } : null;
  }

  /**
   * Keras' batch losses times their rows so far, and the rows (the last batch, short or not,
   * included): a stream over a shard whose rows are a multiple of the batch size ends with no
   * batch cut, so the shards' totals add up to the whole's.
   */
  state(): { total: number; rows: number } {
    if (this.pending) this.flush(this.pending.L.shape[0]);
    return { total: this.total, rows: this.rows };
  }

  /** What `evaluate` reports over every row added. */
  value(): number {
    if (this.pending) this.flush(this.pending.L.shape[0]);
    return this.rows === 0 ? 0 : this.total / this.rows;
  }
}

function rowsOf(a: Arr, start: number, end: number): Arr {
  const inner = a.shape.slice(1).reduce((x, y) => x * y, 1);
  return { shape: [end - start, ...a.shape.slice(1)], data: a.data.slice(start * inner, end * inner) };
}

function joinRows(a: Arr, b: Arr): Arr {
  const data = new Float64Array(a.data.length + b.data.length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  return { shape: [a.shape[0] + b.shape[0], ...a.shape.slice(1)], data };
}

function joinRowsOrNull(a: Arr | null, b: Arr | null): Arr | null {
  return a && b ? joinRows(a, b) : null;
}
