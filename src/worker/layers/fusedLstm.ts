/**
 * The fused LSTM fast path: the whole sequence runs as TensorFlow's BlockLSTMV2 kernel (and
 * BlockLSTMGradV2 under training) instead of one JS op dispatch per timestep.
 *
 * When a mask allows it, and how the output is rebuilt, is fusedRnn.ts's part.
 *
 * Profiling: do not sample this path with `node --cpu-prof` or `--prof`. TensorFlow's
 * BlockLSTM kernel corrupts the heap when SIGPROF lands in it ("corrupted size vs. prev_size",
 * T=362, B=8, U=128); Python TensorFlow 2.21 does the same under an ITIMER_PROF timer, so it is
 * TensorFlow's, not ours. Time by hand, or profile with MASKLENS_FUSED_RNN=0.
 */
import type { Tf } from '../tf';
import type { Tensor } from './base';
import { longestPrefix, outputsFromPrefixRun, type PrefixRunOptions, timeMajorPrefix } from './fusedRnn';
import { type NativeOps, nativeOps } from './tfOps';

export interface FusedLstmWeights {
  kernel: Tensor;
  recurrent: Tensor;
  bias: Tensor | null;
  units: number;
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
 * The layer's output, exactly as Keras' masked `rnn()` would return it, for prefix masks, or
 * null when the native kernel is not there or the batch is all masked (the general path runs).
 */
export function fusedLstm(
  tf: Tf,
  x: Tensor,
  w: FusedLstmWeights,
  lengths: Int32Array,
  o: PrefixRunOptions,
): Tensor | null {
  const ops = nativeOps(tf);
  if (!ops) return null;
  const maxLen = longestPrefix(lengths);
  if (maxLen === 0) return null;
  const [, steps] = x.shape;
  const xt = timeMajorPrefix(tf, x, lengths, maxLen, o.goBackwards);
  return outputsFromPrefixRun(tf, blockLstmSequence(tf, ops, xt, w), lengths, steps, o);
}
