/**
 * Length-bucketed evaluation, the TensorFlow half: one chunk's samples sorted by valid length
 * into buckets, each bucket run cut at its longest sequence plus one padded step (and the steps
 * the model's time slices drop), then every tensor of the pass (each layer's output and mask,
 * the model's outputs, masks, logits and padding) grown back to all timesteps by repeating its
 * padded step and put back in the chunk's order (a layer's output only when it is read). What
 * follows the pass (losses, reductions, metrics, shown rows) sees the tensors an uncut pass
 * gives. src/core/runtime/lengthBuckets.ts says when this holds.
 */
import { type Bucket, lengthBuckets, type PaddingSide, type PassFacts } from '../core/runtime/lengthBuckets';
import { type ModelGraph, refKey } from '../core/graph/modelGraph';
import type { LambdaIR } from '../core/ir';
import type { ForwardResult, ModelRuntime, NodeRecord } from './executor';
import type { Tensor } from './layers/base';
import type { Tf } from './tf';

/** MASKLENS_LENGTH_BUCKETS=0 runs every timestep (benchmarks compare both paths). */
export function lengthBucketsEnabled(): boolean {
  return process.env.MASKLENS_LENGTH_BUCKETS !== '0';
}

/** Samples per bucket: enough rows for the kernels to run efficiently, few enough that lengths stay close. */
export const BUCKET_SIZE = 32;

/** Per-sample shapes (batch axis left out) of every tensor a pass returns, from an uncut pass. */
export interface PassShapes {
  records: { output: number[]; mask: number[] | null }[];
  outputs: number[][];
  outputMasks: (number[] | null)[];
  outputPadding: (number[] | null)[];
}

/** What the bucketing decision reads from a pass: which calls a mask reached, each tensor's per-sample shape. */
export function passFacts(
  graph: ModelGraph,
  inputs: Tensor[],
  r: ForwardResult,
  lambdas: Record<string, LambdaIR>,
): PassFacts {
  const shapes = new Map<string, number[]>();
  graph.inputRefs.forEach((ref, i) => {
    if (inputs[i]) shapes.set(refKey(ref), inputs[i].shape.slice(1));
  });
  for (const rec of r.records)
    shapes.set(refKey({ layer: rec.node.layer, node: rec.node.nodeIndex, index: 0 }), rec.output.shape.slice(1));
  return { maskIn: new Map(r.records.map((rec) => [rec.node.id, rec.maskIn])), shapes, lambdas };
}

export function passShapes(r: ForwardResult): PassShapes {
  const per = (t: Tensor | null) => (t ? t.shape.slice(1) : null);
  return {
    records: r.records.map((rec) => ({ output: rec.output.shape.slice(1), mask: per(rec.mask) })),
    outputs: r.outputs.map((t) => t.shape.slice(1)),
    outputMasks: r.outputMasks.map(per),
    outputPadding: r.outputPadding.map(per),
  };
}

/** Thrown inside a bucketed pass when a tensor's shape is not what cutting time explains. */
class UnexpectedShape extends Error {}

/**
 * Whether `t` from a bucket cut to `cut` of `steps` timesteps is `full` (its uncut per-sample
 * shape) as it is, or with time cut: its time axis (axis 1, what is left of the input's after
 * any slice from a fixed step) shorter by the steps the cut removed, at least one step left.
 */
function cutKind(t: Tensor, full: number[], cut: number, steps: number): 'same' | 'time' {
  const per = t.shape.slice(1);
  if (per.length !== full.length) throw new UnexpectedShape();
  if (per.every((d, i) => d === full[i])) return 'same';
  const removed = steps - cut;
  if (removed > 0 && per[0] >= 1 && full[0] - per[0] === removed && per.every((d, i) => i === 0 || d === full[i]))
    return 'time';
  throw new UnexpectedShape();
}

/** `t` grown back by the `removed` steps the cut took, repeating its padded step (its last, or before the sequence its first). */
function grow(tf: Tf, t: Tensor, removed: number, side: PaddingSide): Tensor {
  const steps = t.shape[1] ?? 0;
  const begin = t.shape.map((_, i) => (i === 1 && side === 'post' ? steps - 1 : 0));
  const size = t.shape.map((d, i) => (i === 1 ? 1 : d));
  const step = tf.slice(t, begin, size);
  const repeated = tf.tile(
    step,
    t.shape.map((_, i) => (i === 1 ? removed : 1)),
  );
  return tf.concat(side === 'post' ? [t, repeated] : [repeated, t], 1);
}

/**
 * One bucket's pass in a scope of its own: only the tensors the chunk's pass hands on outlive it
 * (each layer's output only when `layerOutputs`), so what a pass makes on the way (an RNN's gates
 * for every step) is freed bucket by bucket instead of held for the whole chunk.
 */
function bucketPass(tf: Tf, runtime: ModelRuntime, x: Tensor, layerOutputs: boolean): ForwardResult {
  let pass: ForwardResult | null = null;
  tf.tidy(() => {
    const r = runtime.forward([x], false);
    pass = r;
    return [
      ...r.outputs,
      ...r.outputMasks,
      ...r.outputLogits,
      ...r.outputPadding,
      ...r.records.map((rec) => rec.mask),
      ...(layerOutputs ? r.records.map((rec) => rec.output) : []),
    ].filter((t): t is Tensor => t !== null);
  });
  if (!pass) throw new Error('a bucket pass returned nothing');
  return pass;
}

/**
 * One chunk's pass in length buckets, equal to `runtime.forward(xs, false)` (each layer's output
 * only when `layerOutputs`: the others are freed); null when some tensor's shape is not explained
 * by the cut (the caller then runs the chunk whole). `drop`: the most leading steps the model's
 * time slices drop (each cut keeps that many more padded steps). Call inside `tf.tidy`.
 */
export function forwardInBuckets(
  tf: Tf,
  runtime: ModelRuntime,
  x: Tensor,
  lengths: Int32Array,
  side: PaddingSide,
  shapes: PassShapes,
  layerOutputs: boolean,
  drop = 0,
): ForwardResult | null {
  const steps = x.shape[1] ?? 0;
  const buckets = lengthBuckets(lengths, steps, BUCKET_SIZE, drop);
  // Longest first: each later bucket's buffers then fit in ones a longer bucket freed, where
  // shortest first would grow the process by every new size (W6: 629 against 600 MB in one chunk).
  const parts: ForwardResult[] = new Array<ForwardResult>(buckets.length);
  for (let i = buckets.length - 1; i >= 0; i--)
    parts[i] = bucketPass(tf, runtime, cutRows(tf, x, buckets[i], side), layerOutputs);
  // Where each sample of the chunk sits in the buckets laid end to end.
  const at = new Int32Array(lengths.length);
  let k = 0;
  for (const b of buckets) for (const row of b.rows) at[row] = k++;
  const order = tf.tensor1d(at, 'int32');
  /**
   * One tensor of the pass, over the whole chunk in its order: its shape checked now, its
   * values made when first asked for (most layers' outputs are never read).
   */
  const join = (pick: (r: ForwardResult) => Tensor | null, full: number[] | null): (() => Tensor) | null => {
    const ts = parts.map(pick);
    if (ts.every((t) => t === null)) return null;
    if (full === null) throw new UnexpectedShape();
    const kinds = ts.map((t, i) => {
      if (!t) throw new UnexpectedShape();
      return cutKind(t, full, buckets[i].cut, steps);
    });
    let joined: Tensor | null = null;
    return () => {
      joined ??= (() => {
        const grown = (ts as Tensor[]).map((t, i) =>
          kinds[i] === 'time' ? grow(tf, t, steps - buckets[i].cut, side) : t,
        );
        return tf.gather(grown.length === 1 ? grown[0] : tf.concat(grown, 0), order);
      })();
      return joined;
    };
  };
  const now = (lazy: (() => Tensor) | null): Tensor | null => (lazy ? lazy() : null);
  const required = <T>(t: T | null): T => {
    if (t === null) throw new UnexpectedShape();
    return t;
  };
  try {
    const first = parts[0];
    const records: NodeRecord[] = first.records.map((rec, i) => {
      const output = layerOutputs
        ? required(join((r) => r.records[i].output, shapes.records[i]?.output ?? null))
        : () => {
            throw new Error(`layer '${rec.layer.name}''s output was not kept by this pass`);
          };
      return {
        ...rec,
        get output() {
          return output();
        },
        mask: now(join((r) => r.records[i].mask, shapes.records[i]?.mask ?? null)),
      };
    });
    const outputs = first.outputs.map((_, i) => required(now(join((r) => r.outputs[i], shapes.outputs[i] ?? null))));
    return {
      outputs,
      outputMasks: first.outputMasks.map((_, i) => now(join((r) => r.outputMasks[i], shapes.outputMasks[i] ?? null))),
      outputLogits: first.outputLogits.map((_, i) => now(join((r) => r.outputLogits[i], shapes.outputs[i] ?? null))),
      outputPadding: first.outputPadding.map((_, i) =>
        now(join((r) => r.outputPadding[i], shapes.outputPadding[i] ?? null)),
      ),
      records,
      warnings: [...new Set(parts.flatMap((r) => r.warnings))],
      updates: [],
    };
  } catch (error) {
    if (error instanceof UnexpectedShape) return null;
    throw error;
  }
}

/** A bucket's rows of `x`, cut to its timesteps: the first `cut` (post-padding) or the last. */
function cutRows(tf: Tf, x: Tensor, b: Bucket, side: PaddingSide): Tensor {
  const rows = tf.gather(x, tf.tensor1d(Int32Array.from(b.rows), 'int32'));
  const steps = x.shape[1] ?? 0;
  if (b.cut === steps) return rows;
  const begin = x.shape.map((_, i) => (i === 1 && side === 'pre' ? steps - b.cut : 0));
  const size = rows.shape.map((d, i) => (i === 1 ? b.cut : d));
  return tf.slice(rows, begin, size);
}
