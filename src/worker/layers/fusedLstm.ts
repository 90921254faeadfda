/**
 * The fused LSTM fast path: the whole sequence runs as TensorFlow's BlockLSTMV2 kernel (and
 * BlockLSTMGradV2 under training) instead of one JS op dispatch per timestep.
 *
 * It is exact only where Keras' masked loop is: when every sample's mask is a prefix of
 * valid steps followed by masked ones (post-padding, or no mask). Then the LSTM over the
 * valid prefix is the plain LSTM, and every masked step just repeats the last valid output
 * (or zeros with zero_output_for_mask) with states frozen — which a gather reproduces.
 * With go_backwards Keras reverses inputs and mask, so the valid prefix runs reversed after
 * T−L leading masked steps that leave the zero states untouched. Any other mask takes the
 * general step-by-step path.
 *
 * Profiling: do not sample this path with `node --cpu-prof` or `--prof`. TensorFlow's
 * BlockLSTM kernel corrupts the heap when SIGPROF lands in it ("corrupted size vs. prev_size",
 * T=362, B=8, U=128); Python TensorFlow 2.21 does the same under an ITIMER_PROF timer, so it is
 * TensorFlow's, not ours. Time by hand, or profile with MASKLENS_FUSED_RNN=0.
 */
import type { Tf } from '../tf';
import type { Tensor } from './base';
import { type NativeOps, nativeOps } from './tfOps';

export interface FusedLstmWeights {
  kernel: Tensor;
  recurrent: Tensor;
  bias: Tensor | null;
  units: number;
}

export interface FusedLstmOptions {
  goBackwards: boolean;
  returnSequences: boolean;
  zeroOutputForMask: boolean;
}

/** How many layer calls ran fused: lets tests tell the fast path was really taken. */
export const fusedCalls = { count: 0 };

/** MASKLENS_FUSED_RNN=0 turns the fast path off (benchmarks compare both paths). */
export function fusedRnnEnabled(): boolean {
  return process.env.MASKLENS_FUSED_RNN !== '0';
}

/**
 * Tensors are immutable, so a mask's answer holds for its lifetime: the two directions of a
 * Bidirectional and stacked LSTMs passing one mask along read it from the device only once.
 */
const lengthsOf = new WeakMap<Tensor, Int32Array | null>();

/**
 * Each sample's number of valid steps when its mask is a prefix (true… then false…), else
 * null. One device read of the [B, T] mask: cheap next to the LSTM it decides about.
 */
export function prefixLengths(tf: Tf, mask: Tensor | null, batch: number, steps: number): Int32Array | null {
  if (!mask) return new Int32Array(batch).fill(steps);
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) return null;
  const known = lengthsOf.get(mask);
  if (known !== undefined) return known;
  const asBool = tf.cast(mask, 'bool');
  const lengths = scanPrefixes(asBool.dataSync() as Uint8Array, batch, steps);
  asBool.dispose();
  lengthsOf.set(mask, lengths);
  return lengths;
}

function scanPrefixes(m: Uint8Array, batch: number, steps: number): Int32Array | null {
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const row = b * steps;
    let len = 0;
    while (len < steps && m[row + len]) len++;
    for (let t = len; t < steps; t++) if (m[row + t]) return null; // a hole: not a prefix
    lengths[b] = len;
  }
  return lengths;
}

/** BlockLSTMV2 over time-major xt [T, B, F] from zero states, with BlockLSTMGradV2 as its gradient. */
function blockLstmSequence(tf: Tf, ops: NativeOps, xt: Tensor, w: FusedLstmWeights): Tensor {
  const [steps, batch, features] = xt.shape;
  const units = w.units;
  const bias = w.bias ?? tf.zeros([4 * units]);
  const run = tf.customGrad((...args) => {
    const [x, kernel, recurrent, b] = args.slice(0, 4) as Tensor[];
    const save = args[4] as (tensors: Tensor[]) => void;
    const zeros = tf.zeros([batch, units]);
    const inputs = { seqLenMax: steps, x, c0: zeros, h0: zeros, w: tf.concat([kernel, recurrent], 0), b };
    const out = ops.blockLstm(inputs);
    // Everything the gradient reads is saved: the forward ran inside a tidy, and tfjs keeps
    // no inputs of a custom gradient for the backward pass unless they are saved.
    save([x, inputs.w, b, out.i, out.cs, out.f, out.o, out.ci, out.co, out.h]);
    return {
      value: out.h,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sb, i, cs, f, o, ci, co, h] = saved;
        const z = tf.zeros([batch, units]);
        // Only h is an output of this function; the cell-state sequence gets no gradient from outside.
        const g = ops.blockLstmGrad(
          { seqLenMax: steps, x: sx, c0: z, h0: z, w: sw, b: sb },
          { i, cs, f, o, ci, co, h },
          dy,
          tf.zerosLike(cs),
        );
        const [gKernel, gRecurrent] = tf.split(g.w, [features, units], 0);
        return [g.x, gKernel, gRecurrent, g.b];
      },
    };
  });
  return run(xt, w.kernel, w.recurrent, bias);
}

/**
 * The layer's output, exactly as Keras' masked `rnn()` would return it, for prefix masks.
 * `lengths` must have at least one non-zero entry (all-masked batches stay on the general path).
 */
export function fusedLstm(
  tf: Tf,
  x: Tensor,
  w: FusedLstmWeights,
  lengths: Int32Array,
  o: FusedLstmOptions,
): Tensor | null {
  const ops = nativeOps(tf);
  if (!ops) return null;
  const [batch, steps, features] = x.shape;
  const maxLen = lengths.reduce((a, b) => Math.max(a, b), 0);
  if (maxLen === 0) return null;
  // Time-major input over the steps that matter; backwards, each sample's valid prefix reversed.
  let xt: Tensor;
  if (!o.goBackwards) {
    xt = tf.transpose(tf.slice(x, [0, 0, 0], [batch, maxLen, features]), [1, 0, 2]);
  } else {
    const idx = new Int32Array(maxLen * batch);
    for (let t = 0; t < maxLen; t++) {
      for (let b = 0; b < batch; b++) idx[t * batch + b] = b * steps + (t < lengths[b] ? lengths[b] - 1 - t : t);
    }
    xt = tf.reshape(tf.gather(tf.reshape(x, [batch * steps, features]), tf.tensor1d(idx, 'int32')), [
      maxLen,
      batch,
      features,
    ]);
  }
  const h = tf.reshape(blockLstmSequence(tf, ops, xt, w), [maxLen * batch, w.units]);
  // Each output row is one row of h (time-major, t·B + b) or zeros.
  const rows = o.returnSequences ? steps : 1;
  const src = new Int32Array(batch * rows);
  const keep = new Float32Array(batch * rows);
  for (let b = 0; b < batch; b++) {
    const len = lengths[b];
    for (let s = 0; s < rows; s++) {
      let t = -1; // the fused step this output shows, -1 for zeros
      if (!o.returnSequences) t = len - 1;
      else if (o.goBackwards)
        t = s - (steps - len); // leading masked steps: zero states, zero outputs
      else if (s < len) t = s;
      else if (!o.zeroOutputForMask) t = len - 1; // masked steps repeat the last valid output
      if (t >= 0) {
        src[b * rows + s] = t * batch + b;
        keep[b * rows + s] = 1;
      }
    }
  }
  fusedCalls.count++;
  const picked = tf.mul(tf.gather(h, tf.tensor1d(src, 'int32')), tf.tensor2d(keep, [batch * rows, 1]));
  return o.returnSequences ? tf.reshape(picked, [batch, steps, w.units]) : picked;
}
