/**
 * One inference pass over the data (in chunks), collecting what results need: every
 * layer's mask and a capped sample of its output, the model output and its mask, and the
 * per-timestep loss with the mask that reaches it. Then the four reductions and the number
 * Keras would report.
 */
import type { ResolvedRule } from '../core/masking/rules';
import type { MaskEffect } from '../core/masking/rules';
import { type NdArray, takeRows } from '../core/runtime/array';
import { type Caps, capTensor, type Flat } from '../core/runtime/cap';
import type { ReductionId } from '../core/reductions';
import { REDUCTION_IDS } from '../core/reductions';
import type { Tensor } from './layers/base';
import type { MetricResult } from '../core/protocol/runtimeTasks';
import { computeLoss } from './losses';
import { classWeights } from './classWeights';
import { CompiledMetrics } from './compiledMetrics';
import { align, kerasBatchLoss, kerasEvaluateLoss, reduce } from './reductions';
import { type Session, toTensor } from './session';

export interface LayerCapture {
  name: string;
  className: string;
  outputShape: number[];
  maskShape: number[] | null;
  mask: Float32Array | null;
  output: number[][] | number[][][] | null;
  effect: MaskEffect;
  maskIn: boolean;
  rule: ResolvedRule;
  warning: string | null;
}

export interface Evaluation {
  samples: number;
  output: Flat & { data: Float32Array };
  outputMask: (Flat & { data: Float32Array }) | null;
  /** L: the loss after the feature axis, aligned with `lossMask` (null without targets or loss). */
  loss: (Flat & { data: Float32Array }) | null;
  /** Where the output's padding is although its mask was dropped (see ForwardResult.outputPadding). */
  padding: (Flat & { data: Float32Array }) | null;
  /** The mask that multiplies L: the output mask (and a loss-made mask, e.g. ignore_class), aligned to L. */
  lossMask: (Flat & { data: Float32Array }) | null;
  weight: (Flat & { data: Float32Array }) | null;
  /** L and its mask exactly as Keras' loss sees them (before MaskLens lines them up). */
  raw: { loss: Flat & { data: Float32Array }; mask: (Flat & { data: Float32Array }) | null } | null;
  layers: LayerCapture[];
  /**
   * A loss that returns one number per batch (the user's own, reduced inside): each batch's
   * number, its rows, and what Keras makes of it with its mask and weights. Then `loss` is null.
   */
  /** `plain`: the loss with no mask anywhere (a Keras loss inside it weights by the output's mask otherwise). */
  scalarLoss: { value: number; plain: number; rows: number; keras: number }[] | null;
  /** The compiled metrics (empty without targets or metrics). */
  metrics: MetricResult[];
  warnings: string[];
  notes: string[];
}

export interface EvaluationOptions {
  rows?: number[];
  /** Sample indices (into `rows`) whose layer outputs are kept, and the caps. */
  shown: number[];
  caps: Caps;
  recordLayers: boolean;
  /**
   * Also read every layer's output back for the shown samples. Off when the caller drops them
   * (the extension asks without): each LSTM output read back is MBs of copying and nested arrays.
   */
  layerOutputs?: boolean;
  chunk?: number;
  /**
   * Weigh each sample (timestep) by `fit(class_weight=)` in place of the sample weights, as the
   * loss training minimises and Keras' History `loss` are (its val_loss is not).
   */
  classWeighted?: boolean;
}

function appendRows(target: { parts: Float32Array[]; shape: number[] | null }, t: Tensor): void {
  target.parts.push(t.dataSync() as Float32Array);
  target.shape = t.shape;
}

function joined(
  target: { parts: Float32Array[]; shape: number[] | null },
  samples: number,
): (Flat & { data: Float32Array }) | null {
  if (!target.shape) return null;
  const total = target.parts.reduce((a, p) => a + p.length, 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const p of target.parts) {
    data.set(p, off);
    off += p.length;
  }
  return { shape: [samples, ...target.shape.slice(1)], data };
}

const slice = (a: NdArray | null, rows: number[]) => (a ? takeRows(a, rows) : null);

export function evaluate(session: Session, o: EvaluationOptions): Evaluation {
  const { tf, runtime, data, loss } = session;
  const rows = o.rows ?? Array.from({ length: data.info.samples }, (_, i) => i);
  const n = rows.length;
  const chunk = o.chunk ?? session.plan.chunk;
  const output = { parts: [] as Float32Array[], shape: null as number[] | null };
  const outMask = { parts: [] as Float32Array[], shape: null as number[] | null };
  const lossT = { parts: [] as Float32Array[], shape: null as number[] | null };
  const lossM = { parts: [] as Float32Array[], shape: null as number[] | null };
  const weightT = { parts: [] as Float32Array[], shape: null as number[] | null };
  const rawL = { parts: [] as Float32Array[], shape: null as number[] | null };
  const rawM = { parts: [] as Float32Array[], shape: null as number[] | null };
  const pad = { parts: [] as Float32Array[], shape: null as number[] | null };
  const layerMasks: { parts: Float32Array[]; shape: number[] | null }[] = [];
  const layers: LayerCapture[] = [];
  const warnings = new Set<string>();
  const notes = new Set<string>();
  const shownSet = new Set(o.shown);
  const scalarLoss: { value: number; plain: number; rows: number; keras: number }[] = [];
  const ownMask = { zeroWhereMasked: 0, masked: 0, zeroWhereKept: 0, kept: 0 };
  const compiled = session.metrics.length > 0 ? new CompiledMetrics(session, notes) : null;
  for (let start = 0; start < n; start += chunk) {
    runtime.checkpoint?.();
    const part = rows.slice(start, Math.min(n, start + chunk));
    const local = part
      .map((_, i) => start + i)
      .filter((i) => shownSet.has(i))
      .map((i) => i - start);
    tf.tidy(() => {
      const xs = data.x.map((a) => toTensor(tf, takeRows(a, part)));
      const r = runtime.forward(xs, false);
      r.warnings.forEach((w) => warnings.add(w));
      if (o.recordLayers) {
        r.records.forEach((rec, li) => {
          if (!layers[li]) {
            layers[li] = {
              name: rec.layer.name,
              className: rec.layer.className,
              outputShape: rec.output.shape.slice(1),
              maskShape: rec.mask ? rec.mask.shape.slice(1) : null,
              mask: null,
              output: null,
              effect: rec.effect,
              maskIn: rec.maskIn,
              rule: rec.rule,
              warning: rec.warning,
            };
            layerMasks[li] = { parts: [], shape: null };
          }
          if (rec.mask) appendRows(layerMasks[li], tf.cast(rec.mask, 'float32'));
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
      appendRows(output, out);
      const mask = r.outputMasks[k];
      if (mask) appendRows(outMask, tf.cast(mask, 'float32'));
      if (r.outputPadding[k]) appendRows(pad, tf.cast(r.outputPadding[k], 'float32'));
      if (loss && data.y) {
        const y = toTensor(tf, takeRows(data.y, part));
        const lv = computeLoss(tf, loss, y, out, r.outputLogits[k], runtime.family, mask);
        if (lv.note) notes.add(lv.note);
        let m: Tensor | null = mask;
        if (lv.mask) m = m ? tf.logicalAnd(tf.cast(m, 'bool'), lv.mask) : lv.mask;
        const sw =
          o.classWeighted && session.classWeight
            ? classWeightArray(session, y, data.sampleWeight !== null)
            : slice(data.sampleWeight, part);
        if (lv.values.rank === 0) {
          // One number for the batch: Keras weights it by the mask and the sample weights as they are.
          const f64 = (t: Tensor) => ({ shape: t.shape, data: Float64Array.from(t.dataSync()) });
          const value = lv.values.dataSync()[0];
          const keras = kerasBatchLoss(
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
          scalarLoss.push({ value, plain, rows: part.length, keras });
        } else {
          if (loss.custom && mask && lv.values.rank === mask.rank)
            countOwnMask(ownMask, lv.values.dataSync(), tf.cast(mask, 'float32').dataSync());
          appendRows(rawL, lv.values);
          if (m) appendRows(rawM, tf.cast(m, 'float32'));
          const a = align(tf, lv.values, m, sw ? toTensor(tf, sw) : null);
          appendRows(lossT, a.loss);
          if (a.hasMask) appendRows(lossM, a.mask);
          if (sw) appendRows(weightT, a.weight);
        }
        if (compiled) compiled.add(y, out, r.outputLogits[k], mask, sw);
      }
    });
  }
  const metrics = compiled ? compiled.results() : [];
  layers.forEach((l, i) => {
    const m = joined(layerMasks[i], n);
    l.mask = m ? m.data : null;
  });
  return {
    samples: n,
    output: joined(output, n) as Flat & { data: Float32Array },
    outputMask: joined(outMask, n),
    loss: joined(lossT, n),
    lossMask: joined(lossM, n),
    weight: joined(weightT, n),
    padding: joined(pad, n),
    raw: rawL.shape ? { loss: joined(rawL, n) as Flat & { data: Float32Array }, mask: joined(rawM, n) } : null,
    layers,
    scalarLoss: scalarLoss.length > 0 ? scalarLoss : null,
    metrics,
    warnings: [...warnings],
    notes: [...notes, ...customLossNotes(session, outMask.shape !== null, scalarLoss.length > 0, ownMask)],
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

export type Reductions = Record<ReductionId, number>;

/** The four reductions over the whole evaluation (sample weights per sample, as tf.keras means them). */
export function reductions(session: Session, e: Evaluation): Reductions | null {
  if (e.scalarLoss) {
    // No reduction can reach inside one number: each is the batches' numbers averaged by rows.
    const value = e.scalarLoss.reduce((a, b) => a + b.value * b.rows, 0) / e.samples;
    const plain = e.scalarLoss.reduce((a, b) => a + b.plain * b.rows, 0) / e.samples;
    return { none: plain, 'valid-mean': value, 'total-mean': value, 'sequence-mean': value };
  }
  if (!e.loss) return null;
  const { tf } = session;
  return tf.tidy(() => {
    const L = tf.tensor(e.loss!.data, e.loss!.shape);
    const a = {
      loss: L,
      mask: e.lossMask ? tf.tensor(e.lossMask.data, e.lossMask.shape) : tf.onesLike(L),
      weight: e.weight ? tf.tensor(e.weight.data, e.weight.shape) : tf.onesLike(L),
      hasMask: e.lossMask !== null,
    };
    const out = {} as Reductions;
    for (const id of REDUCTION_IDS) out[id] = reduce(tf, id, a).dataSync()[0];
    return out;
  });
}

/** What Keras' `evaluate` reports in this family: batches of `batchSize`, its own shape rules for weights. */
export function kerasReported(session: Session, e: Evaluation, batchSize: number, rows?: number[]): number | null {
  if (e.scalarLoss) return e.scalarLoss.reduce((a, b) => a + b.keras * b.rows, 0) / e.samples;
  if (!e.raw || !session.loss) return null;
  const sw = session.data.sampleWeight
    ? rows
      ? takeRows(session.data.sampleWeight, rows)
      : session.data.sampleWeight
    : null;
  const f64 = (a: Flat) => ({ shape: a.shape, data: Float64Array.from(a.data) });
  return kerasEvaluateLoss(
    session.runtime.family,
    session.loss.reduction,
    f64(e.raw.loss),
    e.raw.mask ? f64(e.raw.mask) : null,
    sw ? { shape: sw.shape, data: sw.data } : null,
    batchSize,
  );
}

/** Share of the unmasked loss that padded steps contribute; padding is the output mask, else the last layer mask of L's shape. */
export function paddingShare(e: Evaluation): { share: number | null; source: string | null } {
  if (!e.loss) return { share: null, source: null };
  let pad: Float32Array | null = null;
  let source: string | null = null;
  if (e.lossMask) {
    pad = e.lossMask.data;
    source = 'the output mask, which reaches the loss';
  } else if (e.padding && e.padding.shape.join(',') === e.loss.shape.join(',')) {
    pad = e.padding.data;
    const last = [...e.layers].reverse().find((l) => l.effect === 'destroys');
    source = `the padding marked by the mask ${last ? `that '${last.name}' dropped` : 'that was lost'} before the loss`;
  }
  if (!pad) return { share: null, source: null };
  let all = 0;
  let padded = 0;
  const w = e.weight?.data;
  for (let i = 0; i < e.loss.data.length; i++) {
    const v = e.loss.data[i] * (w ? w[i] : 1);
    all += v;
    if (!pad[i]) padded += v;
  }
  return { share: all === 0 ? 0 : padded / all, source };
}
