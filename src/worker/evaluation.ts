/**
 * One inference pass over the data in chunks, reducing as it goes: per chunk, every layer's
 * mask and the model output, its mask and the per-timestep loss with the mask that reaches it
 * feed running sums (the four reductions, the number Keras would report, the padding's share,
 * the metrics), and only the shown samples' rows are kept. So what an evaluation holds does
 * not grow with the data, and the numbers do not depend on where the chunks were cut.
 */
import { type Caps, capTensor } from '../core/runtime/cap';
import type { EvaluationState, KeptRowsState, LayerCaptureState, ScalarBatch } from '../core/runtime/evaluationState';
import { type Evaluation, type FinishFacts, finishEvaluation } from '../core/runtime/finishEvaluation';
import { LossSums, sampleSums } from '../core/runtime/lossSums';
import type { Tensor } from './layers/base';
import { computeLoss } from './losses';
import { classWeights } from './classWeights';
import { CompiledMetrics } from './compiledMetrics';
import { align, kerasBatchLoss, KerasEvaluateStream } from './reductions';
import { type Session, toTensor } from './session';
import { bucketDecision, validLengths, type BucketDecision } from '../core/runtime/lengthBuckets';
import { forwardInBuckets, lengthBucketsEnabled } from './lengthBuckets';
import type { ForwardResult } from './executor';
import type { NdArray } from '../core/runtime/array';

export type { Evaluation, LayerCapture } from '../core/runtime/finishEvaluation';

export interface EvaluationOptions {
  rows?: number[];
  /**
   * Evaluate only rows `start` to `end` of the data (a shard of an evaluation split between
   * workers; instead of `rows`): `shown` holds indices into all the rows, and the data's checks
   * are made on these rows alone, their findings left in the state for the merge.
   */
  range?: { start: number; end: number };
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

  state(): KeptRowsState {
    const total = this.parts.reduce((a, p) => a + p.length, 0);
    const data = new Float32Array(total);
    let off = 0;
    for (const p of this.parts) {
      data.set(p, off);
      off += p.length;
    }
    return { inner: this.shape ? this.shape.slice(1) : null, data };
  }
}

/** Samples in a pass run over every timestep: Keras' default evaluation batch size. */
const WHOLE_PASS_SAMPLES = 32;

const f64 = (t: Tensor) => ({ shape: t.shape, data: Float64Array.from(t.dataSync()) });

/** What finishing an evaluation needs of its session. */
export function finishFactsOf(session: Session): FinishFacts {
  return {
    family: session.runtime.family,
    loss: session.loss ? { display: session.loss.display, custom: session.loss.custom !== null } : null,
    nanPolicy: session.data.checks?.nanPolicy ?? 'report',
  };
}

/** One pass over the data, finished: the numbers and the shown samples' rows. */
export function evaluate(session: Session, o: EvaluationOptions): Evaluation {
  return finishEvaluation(reduceEvaluation(session, o), finishFactsOf(session), session.data.info);
}

/** Whether the chunks run in length buckets, and their size (a shard's cuts must fall between chunks). */
export function evaluationChunk(
  session: Session,
  o: Pick<EvaluationOptions, 'chunk' | 'lengthBuckets' | 'kerasBatchSize'>,
): { decision: BucketDecision; chunk: number } {
  const decision: BucketDecision = !(o.lengthBuckets ?? lengthBucketsEnabled())
    ? { ok: false, reason: 'length buckets were turned off', marked: true }
    : bucketDecision(session.runtime.graph, session.probe.facts);
  // A pass holds every layer's activations until its chunk is reduced (an LSTM's gates for every
  // step), so a chunk run whole is Keras' own evaluation batch; length buckets need the larger
  // chunk to sort, and run their buckets at that size already.
  let chunk = o.chunk ?? (decision.ok ? session.plan.chunk : Math.min(session.plan.chunk, WHOLE_PASS_SAMPLES));
  // Whole Keras batches per chunk (a smaller chunk, so it still fits): the evaluation can then be
  // cut between workers at chunk edges that are batch edges (a chunk of 250 against batches of
  // 32 would leave cuts only every 4,000 samples).
  const batch = o.kerasBatchSize;
  if (o.chunk === undefined && batch && chunk > batch) chunk -= chunk % batch;
  return { decision, chunk };
}

/** One pass over the data (or a shard of it), reduced to its state. */
export function reduceEvaluation(session: Session, o: EvaluationOptions): EvaluationState {
  const { tf, runtime, data, loss } = session;
  const offset = o.range?.start ?? 0;
  const rows =
    o.rows ??
    (o.range
      ? Array.from({ length: o.range.end - o.range.start }, (_, i) => offset + i)
      : Array.from({ length: data.info.samples }, (_, i) => i));
  const n = rows.length;
  const { decision, chunk } = evaluationChunk(session, o);
  // `shown` counts from the first evaluated row; a shard keeps those among its rows.
  const kept = [...new Set(o.shown)]
    .filter((i) => i >= offset && i < offset + n)
    .map((i) => i - offset)
    .sort((a, b) => a - b);
  const keptSet = new Set(kept);
  const output = new KeptRows();
  const outMask = new KeptRows();
  const lossT = new KeptRows();
  const lossM = new KeptRows();
  const weightT = new KeptRows();
  let outputShape: number[] | null = null;
  const layerMasks: KeptRows[] = [];
  const layers: Omit<LayerCaptureState, 'maskRows'>[] = [];
  const warnings = new Set<string>();
  const notes = new Set<string>();
  const scalarLoss: ScalarBatch[] = [];
  const ownMask = { zeroWhereMasked: 0, masked: 0, zeroWhereKept: 0, kept: 0 };
  const sums = new LossSums();
  let padSource: 'mask' | 'padding' | null | undefined;
  const keras =
    o.kerasBatchSize && loss ? new KerasEvaluateStream(runtime.family, loss.reduction, o.kerasBatchSize) : null;
  const compiled = session.metrics.length > 0 ? new CompiledMetrics(session, notes) : null;
  let hasOutputMask = false;
  const buckets = { chunks: 0, of: 0, reason: decision.ok || !decision.marked ? null : decision.reason };
  // The data's checks ride on the rows read here when they are every sample (or a shard's), in order.
  const checks = session.data.checks;
  if (checks && o.rows) checks.rest(chunk, runtime.checkpoint ?? undefined);
  if (checks && o.range) checks.only(o.range.start, o.range.end);
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
      xRows.forEach((r, i) => checking.rows(data.x[i], r, offset + start));
      if (data.y && yRows) checking.rows(data.y, yRows, offset + start);
      if (data.sampleWeight && swRows) checking.rows(data.sampleWeight, swRows, offset + start);
    }
    tf.tidy(() => {
      const xs = xRows.map((a) => toTensor(tf, a));
      buckets.of++;
      // Layer outputs outlive their bucket only when this chunk shows some of them.
      const keepOutputs = o.recordLayers && o.layerOutputs !== false && local.length > 0;
      const inBuckets = decision.ok ? bucketedPass(session, decision, xRows[0], xs[0], keepOutputs) : null;
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
              maskValid: 0,
              maskTotal: 0,
              validPerSample: [],
              output: null,
              effect: rec.effect,
              maskIn: rec.maskIn,
              rule: {
                output: rec.rule.output,
                supportsMasking: rec.rule.supportsMasking,
                known: rec.rule.known,
                evidence: rec.rule.evidence,
              },
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
      outputShape ??= out.shape.slice(1);
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
  // A shard leaves its findings in the state; one pass over every row finishes them here as well.
  if (checks) checks.rest(chunk, runtime.checkpoint ?? undefined);
  return {
    start: offset,
    end: offset + n,
    kept: kept.map((i) => i + offset),
    outputInner: outputShape,
    output: output.state(),
    outputMask: outMask.state(),
    hasOutputMask,
    loss: lossT.state(),
    lossMask: lossM.state(),
    weight: weightT.state(),
    layers: layers.map((l, i) => ({ ...l, maskRows: layerMasks[i].state() })),
    sums: sums.state(),
    keras: keras && loss ? keras.state() : null,
    scalarLoss,
    padSource: padSource ?? null,
    metrics: compiled ? compiled.state() : null,
    ownMask,
    warnings: [...warnings],
    notes: [...notes],
    buckets,
    checks: checks ? checks.state() : null,
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
  layer: Omit<LayerCaptureState, 'maskRows'>,
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
