/**
 * The fused GRU fast path (both `reset_after` forms). TensorFlow has no CPU kernel for a whole
 * GRU sequence (GRUBlockCell is one step of the reset_after=False form; the cuDNN kernels need
 * a GPU), so this path is the recurrence written out once for prefix masks:
 *
 * - forward: only the steps up to the batch's longest valid prefix, with no mask selects per
 *   step (fusedRnn.ts rebuilds the masked output with one gather), and the input projection
 *   done for all steps in one matrix product;
 * - backward: its own gradient instead of tfjs' tape. Everything that does not depend on the
 *   incoming state gradient (the gate derivatives) is computed for all steps at once; the
 *   per-step loop is left with the few ops the recurrence needs (reset_after=True: six), and
 *   the recurrent kernel's gradient is one matrix product over all steps at the end.
 *
 * Keras' gate order is z, r, h; h' = z·h + (1−z)·ĥ, written ĥ + z·(h−ĥ).
 */
import type { Tf } from '../tf';
import type { Tensor } from './base';
import { fusedCalls, longestPrefix, outputsFromPrefixRun, type PrefixRunOptions, timeMajorPrefix } from './fusedRnn';

export interface FusedGruWeights {
  kernel: Tensor;
  recurrent: Tensor;
  /** Added to the input projection (reset_after=True: bias[0]; False: the whole bias). */
  inputBias: Tensor | null;
  /** reset_after=True only: bias[1], added to h·U before the reset gate scales its ĥ part. */
  recurrentBias: Tensor | null;
  units: number;
  resetAfter: boolean;
}

type Sequence = (xz: Tensor, recurrent: Tensor, recurrentBias: Tensor) => Tensor;

/**
 * reset_after=True over xz [T, B, 3U] (input projection with its bias) from zero states:
 * ĥ = tanh(x_h + r·(h·U_h + b_h)). Returns the hidden states [T, B, U].
 */
function resetAfterSequence(tf: Tf, units: number): Sequence {
  return tf.customGrad((...args) => {
    const [xz, recurrent, recBias] = args.slice(0, 3) as Tensor[];
    const save = args[3] as (tensors: Tensor[]) => void;
    const [steps, batch] = xz.shape;
    const xzr = tf.unstack(tf.slice(xz, [0, 0, 0], [steps, batch, 2 * units]));
    const xh = tf.unstack(tf.slice(xz, [0, 0, 2 * units], [steps, batch, units]));
    let h = tf.zeros([batch, units]);
    const [zs, rs, hhs, ihs, hps, hs] = [[], [], [], [], [], []] as Tensor[][];
    for (let t = 0; t < steps; t++) {
      const [innerZR, innerH] = tf.split(tf.add(tf.matMul(h, recurrent), recBias), [2 * units, units], 1);
      const [z, r] = tf.split(tf.sigmoid(tf.add(xzr[t], innerZR)), 2, 1);
      const hh = tf.tanh(tf.add(xh[t], tf.mul(r, innerH)));
      hps.push(h);
      h = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
      zs.push(z);
      rs.push(r);
      hhs.push(hh);
      ihs.push(innerH);
      hs.push(h);
    }
    const value = tf.stack(hs);
    save([recurrent, tf.stack(zs), tf.stack(rs), tf.stack(hhs), tf.stack(ihs), tf.stack(hps)]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [u, Z, R, HH, IH, HP] = saved;
        // d(pre-tanh ĥ)/dh' = (1−z)(1−ĥ²); d(pre-sigmoid z)/dh' = (h−ĥ)·z(1−z);
        // d(pre-sigmoid r)/dh' = A·inner_h·r(1−r); d(inner_h)/dh' = A·r.
        const A = tf.mul(tf.sub(1, Z), tf.sub(1, tf.square(HH)));
        const C = tf.mul(tf.sub(HP, HH), tf.mul(Z, tf.sub(1, Z)));
        const D = tf.mul(tf.mul(A, IH), tf.mul(R, tf.sub(1, R)));
        const gInner = tf.concat([C, D, tf.mul(A, R)], 2);
        const gInnerSteps = tf.unstack(gInner);
        const zSteps = tf.unstack(Z);
        const dySteps = tf.unstack(dy);
        const dhs: Tensor[] = new Array<Tensor>(steps);
        let carry: Tensor | null = null;
        for (let t = steps - 1; t >= 0; t--) {
          const dh: Tensor = carry ? tf.add(dySteps[t], carry) : dySteps[t];
          dhs[t] = dh;
          const dInner = tf.mul(tf.concat([dh, dh, dh], 1), gInnerSteps[t]);
          carry = tf.add(tf.mul(dh, zSteps[t]), tf.matMul(dInner, u, false, true));
        }
        const dH = tf.stack(dhs);
        const dH3 = tf.concat([dH, dH, dH], 2);
        const dInnerAll = tf.mul(dH3, gInner);
        const dxz = tf.mul(dH3, tf.concat([C, D, A], 2));
        const dU = tf.matMul(
          tf.reshape(HP, [steps * batch, units]),
          tf.reshape(dInnerAll, [steps * batch, 3 * units]),
          true,
          false,
        );
        return [dxz, dU, tf.sum(dInnerAll, [0, 1])];
      },
    };
  });
}

/**
 * reset_after=False over xz [T, B, 3U] from zero states: ĥ = tanh(x_h + (r·h)·U_h), no
 * recurrent bias (the third argument is unused and gets a zero gradient).
 */
function resetBeforeSequence(tf: Tf, units: number): Sequence {
  return tf.customGrad((...args) => {
    const [xz, recurrent, recBias] = args.slice(0, 3) as Tensor[];
    const save = args[3] as (tensors: Tensor[]) => void;
    const [steps, batch] = xz.shape;
    const [uZR, uH] = tf.split(recurrent, [2 * units, units], 1);
    const xzr = tf.unstack(tf.slice(xz, [0, 0, 0], [steps, batch, 2 * units]));
    const xh = tf.unstack(tf.slice(xz, [0, 0, 2 * units], [steps, batch, units]));
    let h = tf.zeros([batch, units]);
    const [zs, rs, hhs, hps, hs] = [[], [], [], [], []] as Tensor[][];
    for (let t = 0; t < steps; t++) {
      const [z, r] = tf.split(tf.sigmoid(tf.add(xzr[t], tf.matMul(h, uZR))), 2, 1);
      const hh = tf.tanh(tf.add(xh[t], tf.matMul(tf.mul(r, h), uH)));
      hps.push(h);
      h = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
      zs.push(z);
      rs.push(r);
      hhs.push(hh);
      hs.push(h);
    }
    const value = tf.stack(hs);
    save([uZR, uH, recBias, tf.stack(zs), tf.stack(rs), tf.stack(hhs), tf.stack(hps)]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [uzr, uh, bias, Z, R, HH, HP] = saved;
        const A = tf.mul(tf.sub(1, Z), tf.sub(1, tf.square(HH))); // d(pre-tanh ĥ)/dh'
        const C = tf.mul(tf.sub(HP, HH), tf.mul(Z, tf.sub(1, Z))); // d(pre-sigmoid z)/dh'
        const Q = tf.mul(HP, tf.mul(R, tf.sub(1, R))); // d(pre-sigmoid r)/d(r·h)
        const [aSteps, cSteps, qSteps, zSteps, rSteps] = [A, C, Q, Z, R].map((s) => tf.unstack(s));
        const dySteps = tf.unstack(dy);
        const dhs: Tensor[] = new Array<Tensor>(steps);
        const drhs: Tensor[] = new Array<Tensor>(steps);
        let carry: Tensor | null = null;
        for (let t = steps - 1; t >= 0; t--) {
          const dh: Tensor = carry ? tf.add(dySteps[t], carry) : dySteps[t];
          const drh = tf.matMul(tf.mul(dh, aSteps[t]), uh, false, true);
          const dZR = tf.concat([tf.mul(dh, cSteps[t]), tf.mul(drh, qSteps[t])], 1);
          carry = tf.addN([tf.mul(dh, zSteps[t]), tf.mul(drh, rSteps[t]), tf.matMul(dZR, uzr, false, true)]);
          dhs[t] = dh;
          drhs[t] = drh;
        }
        const dH = tf.stack(dhs);
        const dZR = tf.concat([tf.mul(dH, C), tf.mul(tf.stack(drhs), Q)], 2);
        const dAh = tf.mul(dH, A);
        const flat = (t: Tensor, width: number): Tensor => tf.reshape(t, [steps * batch, width]);
        const dUzr = tf.matMul(flat(HP, units), flat(dZR, 2 * units), true, false);
        const dUh = tf.matMul(flat(tf.mul(R, HP), units), flat(dAh, units), true, false);
        return [tf.concat([dZR, dAh], 2), tf.concat([dUzr, dUh], 1), tf.zerosLike(bias)];
      },
    };
  });
}

/**
 * The layer's output, exactly as Keras' masked `rnn()` would return it, for prefix masks, or
 * null for an all-masked batch (the general path runs).
 */
export function fusedGru(
  tf: Tf,
  x: Tensor,
  w: FusedGruWeights,
  lengths: Int32Array,
  o: PrefixRunOptions,
): Tensor | null {
  const maxLen = longestPrefix(lengths);
  if (maxLen === 0) return null;
  const [batch, steps, features] = x.shape;
  const xt = timeMajorPrefix(tf, x, lengths, maxLen, o.goBackwards);
  let xz = tf.matMul(tf.reshape(xt, [maxLen * batch, features]), w.kernel);
  if (w.inputBias) xz = tf.add(xz, w.inputBias);
  xz = tf.reshape(xz, [maxLen, batch, 3 * w.units]);
  const sequence = (w.resetAfter ? resetAfterSequence : resetBeforeSequence)(tf, w.units);
  const hidden = sequence(xz, w.recurrent, w.recurrentBias ?? tf.zeros([3 * w.units]));
  fusedCalls.gru++;
  return outputsFromPrefixRun(tf, hidden, lengths, steps, o);
}
