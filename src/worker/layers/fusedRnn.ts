/**
 * What the fused recurrent paths (LSTM: fusedLstm.ts, GRU: fusedGru.ts) share: deciding that a
 * mask allows them, cutting the input to the steps that matter, and rebuilding the layer's
 * output from the run over those steps.
 *
 * A fused path is exact only where Keras' masked loop is: when every sample's mask is a prefix
 * of valid steps followed by masked ones (post-padding, or no mask). Then the recurrence over
 * the valid prefix is the plain one, and every masked step just repeats the last valid output
 * (or zeros with zero_output_for_mask) with states frozen — which a gather reproduces. With
 * go_backwards Keras reverses inputs and mask, so the valid prefix runs reversed after T−L
 * leading masked steps that leave the zero states untouched. Any other mask takes the general
 * step-by-step path. Steps past the batch's longest valid prefix are never computed.
 */
import type { Tf } from '../tf';
import type { Tensor } from './base';

/** How many layer calls ran fused (of them GRU): lets tests tell the fast path was really taken. */
export const fusedCalls = { count: 0, gru: 0 };

/** MASKLENS_FUSED_RNN=0 turns the fast paths off (benchmarks and tests compare both paths). */
export function fusedRnnEnabled(): boolean {
  return process.env.MASKLENS_FUSED_RNN !== '0';
}

/**
 * Tensors are immutable, so a mask's answer holds for its lifetime: the two directions of a
 * Bidirectional and stacked layers passing one mask along read it from the device only once.
 */
const lengthsOf = new WeakMap<Tensor, Int32Array | null>();

/**
 * Each sample's number of valid steps when its mask is a prefix (true… then false…), else
 * null. One device read of the [B, T] mask: cheap next to the recurrence it decides about.
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

export interface PrefixRunOptions {
  goBackwards: boolean;
  returnSequences: boolean;
  zeroOutputForMask: boolean;
}

/** The longest valid prefix; 0 means an all-masked batch, which stays on the general path. */
export function longestPrefix(lengths: Int32Array): number {
  return lengths.reduce((a, b) => Math.max(a, b), 0);
}

/**
 * x [B, T, F] as time-major [maxLen, B, F] over the steps that matter; backwards, each
 * sample's valid prefix reversed (the steps after it are never read by the valid outputs).
 */
export function timeMajorPrefix(tf: Tf, x: Tensor, lengths: Int32Array, maxLen: number, goBackwards: boolean): Tensor {
  const [batch, steps, features] = x.shape;
  if (!goBackwards) return tf.transpose(tf.slice(x, [0, 0, 0], [batch, maxLen, features]), [1, 0, 2]);
  const idx = new Int32Array(maxLen * batch);
  for (let t = 0; t < maxLen; t++) {
    for (let b = 0; b < batch; b++) idx[t * batch + b] = b * steps + (t < lengths[b] ? lengths[b] - 1 - t : t);
  }
  return tf.reshape(tf.gather(tf.reshape(x, [batch * steps, features]), tf.tensor1d(idx, 'int32')), [
    maxLen,
    batch,
    features,
  ]);
}

/**
 * The layer's output, exactly as Keras' masked `rnn()` would return it, from the hidden
 * states of the run over the prefix (time-major [maxLen, B, units]).
 */
export function outputsFromPrefixRun(
  tf: Tf,
  hiddenSeq: Tensor,
  lengths: Int32Array,
  steps: number,
  o: PrefixRunOptions,
): Tensor {
  const [maxLen, batch, units] = hiddenSeq.shape;
  const h = tf.reshape(hiddenSeq, [maxLen * batch, units]);
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
  return o.returnSequences ? tf.reshape(picked, [batch, steps, units]) : picked;
}
