/**
 * One inference pass over the data in chunks, reducing as it goes: per chunk, every layer's
 * mask and the model output, its mask and the per-timestep loss with the mask that reaches it
 * feed running sums (the four reductions, the number Keras would report, the padding's share,
 * the metrics), and only the shown samples' rows are kept. So what an evaluation holds does
 * not grow with the data, and the numbers do not depend on where the chunks were cut.
 */
import type { MaskEffect, ResolvedRule } from '../core/masking/rules';
import { type Caps, capTensor, type Flat } from '../core/runtime/cap';
import { LossSums, type Reductions, sampleSums } from '../core/runtime/lossSums';
import type { Tensor } from './layers/base';
import type { MetricResult } from '../core/protocol/runtimeTasks';
import { computeLoss } from './losses';
import { classWeights } from './classWeights';
import { CompiledMetrics } from './compiledMetrics';
import { align, kerasBatchLoss, KerasEvaluateStream } from './reductions';
import { type Session, toTensor } from './session';
import { bucketDecision, validLengths, type BucketDecision } from '../core/runtime/lengthBuckets';
import { forwardInBuckets, lengthBucketsEnabled } from './lengthBuckets';
import type { ForwardResult } from './executor';
import type { NdArray } from '../core/runtime/array';

export interface LayerCapture {
  name: string;
  className: string;
  outputShape: number[];
  maskShape: number[] | null;
  /** The mask of the kept samples (Evaluation.kept), as 1/0. */
  mask: Float32Array | null;
  /** Positions the mask keeps over every sample, and its positions in all. */
  maskValid: number;
  maskTotal: number;
  /** Positions the mask keeps in each kept sample. */
  validPerSample: number[];
  output: number[][] | number[][][] | null;
  effect: MaskEffect;
  maskIn: boolean;
  rule: ResolvedRule;
  warning: string | null;
}

type Rows = Flat & { data: Float32Array };

/**
 * One evaluation, reduced as its chunks pass: the numbers over every sample (the reductions,
 * the loss Keras reports, the padding's share, the metrics) and, for the samples shown, their
 * rows of each array. Nothing in it grows with the number of samples but `kept`.
 */
export interface Evaluation {
  samples: number;
  /** The kept samples, as indices into the evaluated rows; every `Rows` below holds only theirs, in this order. */
  kept: number[];
  /** The model output's shape over every sample. */
  outputShape: number[];
  output: Rows;
  outputMask: Rows | null;
  /** L: the loss after the feature axis, aligned with `lossMask` (null without targets or loss). */
  loss: Rows | null;
  /** The mask that multiplies L: the output mask (and a loss-made mask, e.g. ignore_class), aligned to L. */
  lossMask: Rows | null;
  weight: Rows | null;
  layers: LayerCapture[];
  /** The four reductions over every sample (null without a loss). */
  reductions: Reductions | null;
  /** What Keras' `evaluate` reports with the batch size asked for (null when not asked, or without a loss). */
  keras: number | null;
  /** Share of the unmasked loss on padded positions, and what marked them. */
  padding: { share: number | null; source: string | null };
  /**
   * A loss that returns one number per batch (the user's own, reduced inside): each batch's
   * number, its rows, and what Keras makes of it with its mask and weights. Then `loss` is null.
   * `plain`: the loss with no mask anywhere (a Keras loss inside it weights by the output's mask otherwise).
   */
  scalarLoss: { value: number; plain: number; rows: number; keras: number }[] | null;
  /** The compiled metrics (empty without targets or metrics). */
  metrics: MetricResult[];
  warnings: string[];
  notes: string[];
  /** Chunks run in length buckets, of all chunks; and why the others were not (null: every chunk was, or no mask marks padding). */
  buckets: { chunks: number; of: number; reason: string | null };
}

export interface EvaluationOptions {
  rows?: number[];
  /** Sample indices (into `rows`) kept whole for the result (shown), and the caps. */
  shown: number[];
  caps: Caps;
  recordLayers: boolean;
  /**
   * Also read every layer's output back for the shown samples. Off when the caller drops them
   * (the extension asks without): each LSTM output read back is MBs of copying and nested arrays.
   */
  layerOutputs?: boolean;
  chunk?: number;
  /** Keras' batch size, for the loss `evaluate` reports (left out when not given). */
  kerasBatchSize?: number;
  /** Told after each chunk: samples done, of all. */
  progress?: (done: number, total: number) => void;
  /** Run each chunk in length buckets where the model allows it (default: unless MASKLENS_LENGTH_BUCKETS=0). */
  lengthBuckets?: boolean;
  /**
   * Weigh each sample (timestep) by `fit(class_weight=)` in place of the sample weights, as the
   * loss training minimises and Keras' History `loss` are (its val_loss is not).
   */
  classWeighted?: boolean;
}

/** The kept samples' rows of arrays of one kind, collected chunk by chunk. */
class KeptRows {
  private parts: Float32Array[] = [];
  private shape: number[] | null = null;

  add(t: { shape: number[]; data: ArrayLike<number> }, local: number[]): void {
    const inner = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const part = new Float32Array(local.length * inner);
    local.forEach((row, i) => {
      for (let j = 0; j < inner; j++) part[i * inner + j] = t.data[row * inner + j];
    });
    this.parts.push(part);
    this.shape = t.shape;
  }

  joined(rows: number): Rows | null {
    if (!this.shape) return null;
    const total = this.parts.reduce((a, p) => a + p.length, 0);
    const data = new Float32Array(total);
    let off = 0;
    for (const p of this.parts) {
      data.set(p, off);
      off += p.length;
    }
    return { shape: [rows, ...this.shape.slice(1)], data };
  }
}

/** Samples in a pass run over every timestep: Keras' default evaluation batch size. */
const WHOLE_PASS_SAMPLES = 32;

const f64 = (t: Tensor) => ({ shape: t.shape, data: Float64Array.from(t.dataSync()) });

export function evaluate(session: Session, o: EvaluationOptions): Evaluation {
  const { tf, runtime, data, loss } = session;
  const rows = o.rows ?? Array.from({ length: data.info.samples }, (_, i) => i);
  const n = rows.length;
  const decision: BucketDecision = !(o.lengthBuckets ?? lengthBucketsEnabled())
    ? { ok: false, reason: 'length buckets were turned off', marked: true }
    : bucketDecision(runtime.graph, session.probe.facts);
  // A pass holds every layer's activations until its chunk is reduced (an LSTM's gates for every
  // step), so a chunk run whole is Keras' own evaluation batch; length buckets need the larger
  // chunk to sort, and run their buckets at that size already.
  const chunk = o.chunk ?? (decision.ok ? session.plan.chunk : Math.min(session.plan.chunk, WHOLE_PASS_SAMPLES));
  const kept = [...new Set(o.shown)].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
  const keptSet = new Set(kept);
  const output = new KeptRows();
  const outMask = new KeptRows();
  const lossT = new KeptRows();
  const lossM = new KeptRows();
  const weightT = new KeptRows();
  let outputShape: number[] | null = null;
  const layerMasks: KeptRows[] = [];
  const layers: LayerCapture[] = [];
  const warnings = new Set<string>();
  const notes = new Set<string>();
  const scalarLoss: { value: number; plain: number; rows: number; keras: number }[] = [];
  const ownMask = { zeroWhereMasked: 0, masked: 0, zeroWhereKept: 0, kept: 0 };
  const sums = new LossSums();
  let padSource: 'mask' | 'padding' | null | undefined;
  const keras =
    o.kerasBatchSize && loss ? new KerasEvaluateStream(runtime.family, loss.reduction, o.kerasBatchSize) : null;
  const compiled = session.metrics.length > 0 ? new CompiledMetrics(session, notes) : null;
  let hasOutputMask = false;
  const buckets = { chunks: 0, of: 0, reason: decision.ok || !decision.marked ? null : decision.reason };
  // The data's checks ride on the rows read here when they are every sample, in order.
  const checks = session.data.checks;
  if (checks && o.rows) checks.rest(chunk, runtime.checkpoint ?? undefined);
  const checking = checks && !o.rows ? checks : null;
  for (let start = 0; start < n; start += chunk) {
    runtime.checkpoint?.();
    const part = rows.slice(start, Math.min(n, start + chunk));
    const local = part
      .map((_, i) => start + i)
      .filter((i) => keptSet.has(i))
      .map((i) => i - start);
    const xRows = data.x.map((a) => a.take(part));
    const yRows = data.y && (loss || checking?.covers(data.y)) ? data.y.take(part) : null;
    const swRows =
      data.sampleWeight && ((loss && data.y) || checking?.covers(data.sampleWeight))
        ? data.sampleWeight.take(part)
        : null;
    if (checking) {
      xRows.forEach((r, i) => checking.rows(data.x[i], r, start));
      if (data.y && yRows) checking.rows(data.y, yRows, start);
      if (data.sampleWeight && swRows) checking.rows(data.sampleWeight, swRows, start);
    }
    tf.tidy(() => {
      const xs = xRows.map((a) => toTensor(tf, a));
      buckets.of++;
      const inBuckets = decision.ok ? bucketedPass(session, decision, xRows[0], xs[0], o.recordLayers) : null;
      if (inBuckets && 'reason' in inBuckets) buckets.reason ??= inBuckets.reason;
      else if (inBuckets) buckets.chunks++;
      const r = inBuckets && !('reason' in inBuckets) ? inBuckets : runtime.forward(xs, false);
      r.warnings.forEach((w) => warnings.add(w));
      if (o.recordLayers) {
        r.records.forEach((rec, li) => {
          if (!layers[li]) {
            layers[li] = {
              name: rec.layer.name,
              className: rec.layer.className,
              // From the pass that built the model: reading a bucketed pass' output would assemble it.
              outputShape: session.probe.shapes.records[li]?.output ?? rec.output.shape.slice(1),
              maskShape: rec.mask ? rec.mask.shape.slice(1) : null,
              mask: null,
              maskValid: 0,
              maskTotal: 0,
              validPerSample: [],
              output: null,
              effect: rec.effect,
              maskIn: rec.maskIn,
              rule: rec.rule,
              warning: rec.warning,
            };
            layerMasks[li] = new KeptRows();
          }
          if (rec.mask)
            addLayerMask(layers[li], layerMasks[li], rec.mask.shape, tf.cast(rec.mask, 'float32').dataSync(), local);
          if (o.layerOutputs !== false && local.length > 0) {
            const flat = { shape: rec.output.shape, data: rec.output.dataSync() };
            const capped = capTensor(flat, local, o.caps);
            const prev = layers[li].output;
            layers[li].output = (prev ? [...prev, ...capped] : capped) as number[][] | number[][][];
          }
        });
      }
      const k = session.output.index;
      const out = r.outputs[k];
      outputShape ??= [n, ...out.shape.slice(1)];
      if (local.length > 0)
        output.add({ shape: out.shape, data: tf.gather(out, local).dataSync() }, range(local.length));
      const mask = r.outputMasks[k];
      if (mask) {
        hasOutputMask = true;
        if (local.length > 0)
          outMask.add(
            { shape: mask.shape, data: tf.cast(tf.gather(mask, local), 'float32').dataSync() },
            range(local.length),
          );
      }
      if (loss && yRows) {
        const y = toTensor(tf, yRows);
        const lv = computeLoss(tf, loss, y, out, r.outputLogits[k], runtime.family, mask);
        if (lv.note) notes.add(lv.note);
        let m: Tensor | null = mask;
        if (lv.mask) m = m ? tf.logicalAnd(tf.cast(m, 'bool'), lv.mask) : lv.mask;
        const sw =
          o.classWeighted && session.classWeight ? classWeightArray(session, y, data.sampleWeight !== null) : swRows;
        if (lv.values.rank === 0) {
          // One number for the batch: Keras weights it by the mask and the sample weights as they are.
          const value = lv.values.dataSync()[0];
          const batchKeras = kerasBatchLoss(
            runtime.family,
            loss.reduction,
            f64(lv.values),
            m ? f64(tf.cast(m, 'float32')) : null,
            sw ? { shape: sw.shape, data: Float64Array.from(sw.data) } : null,
          );
          const plain =
            loss.custom && mask
              ? computeLoss(tf, loss, y, out, r.outputLogits[k], runtime.family).values.dataSync()[0]
              : value;
          scalarLoss.push({ value, plain, rows: part.length, keras: batchKeras });
        } else {
          if (loss.custom && mask && lv.values.rank === mask.rank)
            countOwnMask(ownMask, lv.values.dataSync(), tf.cast(mask, 'float32').dataSync());
          keras?.add(
            f64(lv.values),
            m ? f64(tf.cast(m, 'float32')) : null,
            sw ? { shape: sw.shape, data: sw.data } : null,
          );
          const a = align(tf, lv.values, m, sw ? toTensor(tf, sw) : null);
          const pad = r.outputPadding[k];
          padSource ??= a.hasMask ? 'mask' : pad && pad.shape.join(',') === a.loss.shape.join(',') ? 'padding' : null;
          const L = a.loss.dataSync();
          const M = a.hasMask ? a.mask.dataSync() : null;
          const W = sw ? a.weight.dataSync() : null;
          const P =
            padSource === 'mask' ? M : padSource === 'padding' && pad ? tf.cast(pad, 'float32').dataSync() : null;
          const inner = a.loss.shape.slice(1).reduce((x, y) => x * y, 1);
          for (let s = 0; s < part.length; s++) sums.add(sampleSums(s, inner, L, M, W, P));
          if (local.length > 0) {
            lossT.add({ shape: a.loss.shape, data: L }, local);
            if (M) lossM.add({ shape: a.mask.shape, data: M }, local);
            if (W) weightT.add({ shape: a.weight.shape, data: W }, local);
          }
        }
        if (compiled) compiled.add(y, out, r.outputLogits[k], mask, sw);
      }
    });
    o.progress?.(Math.min(n, start + chunk), n);
  }
  if (checks) {
    checks.rest(chunk, runtime.checkpoint ?? undefined);
    checks.finish(data.info).forEach((w) => warnings.add(w));
  }
  const metrics = compiled ? compiled.results() : [];
  layers.forEach((l, i) => {
    const m = layerMasks[i].joined(kept.length);
    l.mask = m ? m.data : null;
  });
  const lossRows = lossT.joined(kept.length);
  const scalar = scalarLoss.length > 0 ? scalarLoss : null;
  return {
    samples: n,
    kept,
    outputShape: outputShape ?? [n],
    output: output.joined(kept.length) ?? { shape: [0], data: new Float32Array(0) },
    outputMask: hasOutputMask ? (outMask.joined(kept.length) ?? { shape: [0], data: new Float32Array(0) }) : null,
    loss: lossRows,
    lossMask: lossM.joined(kept.length),
    weight: weightT.joined(kept.length),
    layers,
    reductions: scalar ? scalarReductions(scalar, n) : sums.samples > 0 ? sums.reductions() : null,
    keras: scalar
      ? scalar.reduce((a, b) => a + b.keras * b.rows, 0) / n
      : keras && sums.samples > 0
        ? keras.value()
        : null,
    padding: paddingOf(sums, padSource ?? null, layers),
    scalarLoss: scalar,
    metrics,
    warnings: [...warnings],
    notes: [...notes, ...customLossNotes(session, hasOutputMask, scalarLoss.length > 0, ownMask)],
    buckets,
  };
}

/**
 * One chunk's pass in length buckets, or why not: the valid lengths come from the rows as
 * the input's Embedding(mask_zero=True) or Masking layer reads them.
 */
function bucketedPass(
  session: Session,
  decision: Extract<BucketDecision, { ok: true }>,
  rows: NdArray,
  x: Tensor,
  layerOutputs: boolean,
): ForwardResult | { reason: string } | null {
  const { marker } = decision;
  const rank = marker.kind === 'embedding' ? 2 : 3;
  if (rows.shape.length !== rank)
    return {
      reason: `the input has ${rows.shape.length} axes, not (samples, timesteps${rank === 3 ? ', features' : ''})`,
    };
  const [samples, steps] = rows.shape;
  const inner = rank === 3 ? rows.shape[2] : 1;
  const valid = validLengths(rows.data, samples, steps, inner, marker);
  if (!valid)
    return {
      reason: `some samples' valid steps are not one run at the start or at the end of the sequence (padding inside a sequence, or pre- and post-padding mixed)`,
    };
  return forwardInBuckets(
    session.tf,
    session.runtime,
    x,
    valid.lengths,
    valid.side,
    session.probe.shapes,
    layerOutputs,
    decision.drop,
  );
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A layer's mask over one chunk: its counts over every sample, and the kept samples' rows. */
function addLayerMask(
  layer: LayerCapture,
  rows: KeptRows,
  shape: number[],
  data: ArrayLike<number>,
  local: number[],
): void {
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < data.length; i++) if (data[i]) layer.maskValid++;
  layer.maskTotal += data.length;
  for (const s of local) {
    let v = 0;
    for (let i = 0; i < inner; i++) v += data[s * inner + i] ? 1 : 0;
    layer.validPerSample.push(v);
  }
  if (local.length > 0) rows.add({ shape, data }, local);
}

/** No reduction can reach inside one number per batch: each is the batches' numbers averaged by rows. */
function scalarReductions(scalar: { value: number; plain: number; rows: number }[], samples: number): Reductions {
  const value = scalar.reduce((a, b) => a + b.value * b.rows, 0) / samples;
  // `plain` is the loss with no mask anywhere: a Keras loss inside the user's weights by the output's mask otherwise.
  const plain = scalar.reduce((a, b) => a + b.plain * b.rows, 0) / samples;
  return { none: plain, 'valid-mean': value, 'total-mean': value, 'sequence-mean': value };
}

/** Padding is the mask that reaches the loss, else the last mask of L's shape (one a layer dropped). */
function paddingOf(
  sums: LossSums,
  source: 'mask' | 'padding' | null,
  layers: LayerCapture[],
): { share: number | null; source: string | null } {
  if (sums.samples === 0 || source === null) return { share: null, source: null };
  if (source === 'mask') return { share: sums.paddingShare(), source: 'the output mask, which reaches the loss' };
  const last = [...layers].reverse().find((l) => l.effect === 'destroys');
  return {
    share: sums.paddingShare(),
    source: `the padding marked by the mask ${last ? `that '${last.name}' dropped` : 'that was lost'} before the loss`,
  };
}

/** The weights `fit(class_weight=)` gives one batch's targets, as training applies them. */
function classWeightArray(session: Session, y: Tensor, hasSampleWeight: boolean): NdArray {
  const { tf, runtime } = session;
  const w = classWeights(tf, runtime.family, y, session.outputShape, session.classWeight ?? {}, hasSampleWeight);
  return { shape: w.shape, kind: 'float', data: Float64Array.from(w.dataSync()), sourceDtype: 'class_weight' };
}

/** Where a loss that masks itself leaves zeros, inside and outside the output mask. */
function countOwnMask(
  into: { zeroWhereMasked: number; masked: number; zeroWhereKept: number; kept: number },
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
): void {
  for (let i = 0; i < values.length && i < mask.length; i++) {
    if (mask[i]) {
      into.kept++;
      if (values[i] === 0) into.zeroWhereKept++;
    } else {
      into.masked++;
      if (values[i] === 0) into.zeroWhereMasked++;
    }
  }
}

/** What Keras does with its mask for the user's own loss, as this run shows it. */
function customLossNotes(
  session: Session,
  masked: boolean,
  scalar: boolean,
  own: { zeroWhereMasked: number; masked: number; zeroWhereKept: number; kept: number },
): string[] {
  const loss = session.loss;
  if (!loss?.custom) return [];
  const name = `loss '${loss.display}'`;
  const keras = session.runtime.family === 'keras3' ? 'Keras' : 'tf.keras';
  if (scalar) {
    return [
      masked
        ? `${name} returns one number per batch, so ${keras}' mask cannot reach it: ${keras} multiplies the mask into the values a loss returns per position, and one number times the mask averages back to itself. Only the masking inside the function counts`
        : `${name} returns one number per batch; no mask reaches the output, so only the masking inside the function counts`,
    ];
  }
  if (!masked)
    return [
      `${name} returns a value per position and no mask reaches the output: every position counts, except what the function masks itself`,
    ];
  const notes: string[] = [];
  if (own.masked > 0 && own.zeroWhereMasked === own.masked) {
    notes.push(
      `${name} zeroes the padded positions itself and ${keras} weights its values by the output mask again (double masking): the padding leaves the sum through the function and the count through ${keras}' mask`,
    );
  } else
    notes.push(
      `${keras} weights the values ${name} returns per position by the output mask: the padded positions leave both the sum and the count`,
    );
  if (own.zeroWhereKept > 0) {
    notes.push(
      `${name} is 0 at ${own.zeroWhereKept} of the ${own.kept} positions the output mask keeps (its own mask, or an exact fit): ${keras} still counts them, so they lower the average`,
    );
  }
  return notes;
}
