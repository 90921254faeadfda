/**
 * Raw TensorFlow ops run by name through tfjs-node's native backend. tfjs has no public
 * API for ops it does not wrap (BlockLSTMV2 and its gradient), but NodeJSKernelBackend and
 * its binding execute any op in the loaded libtensorflow; they are not in tfjs' public
 * types, so the small slice we use is declared here, and nowhere else.
 */
import type { Tf } from '../tf';
import type { Tensor } from './base';

/** One op attribute as the tfjs-node binding takes it (TFEOpAttr). */
interface OpAttr {
  name: string;
  type: number;
  value: boolean | number | string | number[];
}

/** What the binding returns for each op output; the backend turns it into a tfjs tensor. */
type OutputMetadata = object;

interface NativeBinding {
  TF_FLOAT: number;
  TF_INT64: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
  createTensor(shape: number[], dtype: number, values: Int32Array): number;
  deleteTensor(id: number): void;
  executeOp(name: string, opAttrs: OpAttr[], inputIds: number[], numOutputs: number): OutputMetadata[];
}

/**
 * The backend one level below executeMultipleOutputs: that method would take tfjs-node's
 * Int64Scalar for seq_len_max but never frees the native handle it makes for it, a leak per
 * call; going through the binding lets us delete ours.
 */
interface NativeBackend {
  binding: NativeBinding;
  getInputTensorIds(tensors: Tensor[]): number[];
  createOutputTensor(metadata: OutputMetadata): Tensor;
}

/** BlockLSTMV2's seven outputs, each [T, B, units]. */
export interface BlockLstmOutputs {
  i: Tensor;
  cs: Tensor;
  f: Tensor;
  o: Tensor;
  ci: Tensor;
  co: Tensor;
  h: Tensor;
}

export interface BlockLstmInputs {
  /** Steps actually run; outputs beyond it are zeros. */
  seqLenMax: number;
  /** [T, B, features], time-major. */
  x: Tensor;
  /** Initial cell and hidden state, [B, units]. */
  c0: Tensor;
  h0: Tensor;
  /** [features + units, 4·units]: kernel stacked on recurrent kernel, Keras' i, f, c, o gate order. */
  w: Tensor;
  /** [4·units]. */
  b: Tensor;
}

export interface BlockLstmGrads {
  x: Tensor;
  c0: Tensor;
  h0: Tensor;
  w: Tensor;
  b: Tensor;
}

/** The native ops, or null off the native backend (the cpu fallback cannot run them). */
export interface NativeOps {
  blockLstm(a: BlockLstmInputs): BlockLstmOutputs;
  /** Gradients of BlockLSTMV2 given dL/dh [T,B,U] and dL/dcs [T,B,U] over all steps. */
  blockLstmGrad(a: BlockLstmInputs, out: BlockLstmOutputs, hGrad: Tensor, csGrad: Tensor): BlockLstmGrads;
}

/** Runs `name` with an int64 scalar (tfjs-core has no int64 dtype) before the tensor inputs. */
function executeWithInt64First(
  be: NativeBackend,
  name: string,
  attrs: OpAttr[],
  first: number,
  inputs: Tensor[],
  numOutputs: number,
): Tensor[] {
  const bn = be.binding;
  // Little-endian int64 as two int32 words; lengths are far below 2^31.
  const id = bn.createTensor([], bn.TF_INT64, Int32Array.from([first, 0]));
  try {
    return bn
      .executeOp(name, attrs, [id, ...be.getInputTensorIds(inputs)], numOutputs)
      .map((m) => be.createOutputTensor(m));
  } finally {
    bn.deleteTensor(id);
  }
}

export function nativeOps(tf: Tf): NativeOps | null {
  if (tf.getBackend() !== 'tensorflow') return null;
  const be = tf.backend() as unknown as NativeBackend;
  if (typeof be.getInputTensorIds !== 'function' || typeof be.createOutputTensor !== 'function' || !be.binding)
    return null;
  const bn = be.binding;
  // BlockLSTMV2, not BlockLSTM: V2 takes gates in Keras' i, f, c, o order and adds no
  // forget_bias, so Keras weights go in as they are. cell_clip 0 disables clipping
  // (the kernel clips only when cell_clip > 0).
  const peephole: OpAttr = { name: 'use_peephole', type: bn.TF_ATTR_BOOL, value: false };
  const dtype: OpAttr = { name: 'T', type: bn.TF_ATTR_TYPE, value: bn.TF_FLOAT };
  const clip: OpAttr = { name: 'cell_clip', type: bn.TF_ATTR_FLOAT, value: 0 };
  // After seq_len_max: x, cs_prev, h_prev, w, wci, wcf, wco, b.
  const inputsOf = (a: BlockLstmInputs): Tensor[] => {
    const noPeephole = tf.zeros([a.b.size / 4]); // peephole weights, unused
    return [a.x, a.c0, a.h0, a.w, noPeephole, noPeephole, noPeephole, a.b];
  };
  return {
    blockLstm(a) {
      const [i, cs, f, o, ci, co, h] = executeWithInt64First(
        be,
        'BlockLSTMV2',
        [clip, peephole, dtype],
        a.seqLenMax,
        inputsOf(a),
        7,
      );
      return { i, cs, f, o, ci, co, h };
    },
    blockLstmGrad(a, out, hGrad, csGrad) {
      const ins = [...inputsOf(a), out.i, out.cs, out.f, out.o, out.ci, out.co, out.h, csGrad, hGrad];
      const [x, c0, h0, w, , , , b] = executeWithInt64First(
        be,
        'BlockLSTMGradV2',
        [peephole, dtype],
        a.seqLenMax,
        ins,
        8,
      );
      return { x, c0, h0, w, b };
    },
  };
}
