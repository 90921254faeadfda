/**
 * What every runtime layer is: built once from its Keras config with weights in Keras
 * `get_weights()` order, then called on tensors. Mask *propagation* is not here: the
 * executor takes it from the mask-rule registry. A layer only *uses* the masks it is given
 * (an RNN carries state over masked steps, Masking zeroes them, pooling skips them).
 */
import type { JsonObject, JsonValue, KerasFamily } from '../../core/ir';
import { UserFacingError } from '../../core/protocol/task';
import type { Shape } from '../../core/graph/modelGraph';
import type { Tensor, Tf, Variable } from '../tf';
import type { WeightBuilder } from './weights';

export type { Tensor, Variable };

export interface CallContext {
  tf: Tf;
  family: KerasFamily;
  training: boolean;
  /** A fresh seed for each random op (dropout, noise), deterministic per run. */
  nextSeed(): number;
  /** Outputs of sigmoid/softmax mapped to their logits: Keras' crossentropy uses the logits then. */
  logits: WeakMap<Tensor, Tensor>;
  /** Assignments applied after a training step's gradient update (BatchNormalization's moving statistics). */
  updates: { variable: Variable; value: Tensor }[];
  /**
   * Set while training under Keras 3: Embedding gradients are TensorFlow IndexedSlices with
   * one row per occurrence, and Keras 3's ops.square squares them before they are summed.
   * Filled during backprop with Σ(per-occurrence gradient²) per table row (kept tensors).
   */
  sparseSquares?: Map<string, Tensor>;
  /** Throws once the task is asked to stop: called between layers and between an RNN's steps. */
  checkpoint?: () => void;
}

/** Constants a layer needs at build time. */
export interface LayerEnv {
  tf: Tf;
  family: KerasFamily;
}

/** A positional argument of a node with its tensors resolved. */
export type ArgValue = Tensor | JsonValue | ArgValue[];

/** What a call needs beyond tensors and masks. */
export interface CallExtra {
  /** All positional arguments of the node, in order (op layers: GetItem's slices, NotEqual's 0). */
  args: ArgValue[];
  /** Keyword arguments recorded on the node. */
  kwargs: Record<string, JsonValue>;
  /** The first argument was a list of tensors (Merge layers, a Lambda over [a, b]). */
  inputIsList: boolean;
  /** Keyword arguments that are tensors, where the layer reads them (MultiHeadAttention's attention_mask=). */
  tensors?: Record<string, Tensor>;
}

export const NO_EXTRA: CallExtra = { args: [], kwargs: {}, inputIsList: false };

export abstract class RuntimeLayer {
  constructor(
    readonly name: string,
    readonly className: string,
    readonly config: JsonObject,
    protected readonly env: LayerEnv,
  ) {}

  /** Creates weights (in Keras order) for these input shapes; called once, before the first call. */
  build(_inputShapes: Shape[], _weights: WeightBuilder): void {}

  /** Static output shape (batch first, null where unknown); the executor uses real shapes. */
  outputShape?(inputShapes: Shape[]): Shape;

  /** `masks` holds each input's mask when the layer supports masking (else nulls). */
  /** One tensor, or several for layers with several outputs (an RNN with `return_state`: output, then states). */
  abstract call(inputs: Tensor[], masks: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor | Tensor[];

  protected fail(message: string, code = 'unsupported-config'): never {
    throw new UserFacingError(`${this.className} '${this.name}': ${message}`, code, this.name);
  }

  protected num(key: string, fallback?: number): number {
    const v = this.config[key];
    const n = configNumber(v);
    if (n !== undefined) return n;
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(`missing numeric option '${key}'`, 'model-config');
    }
    this.fail(`option '${key}' must be a number, got ${JSON.stringify(v)}`, 'model-config');
  }

  protected bool(key: string, fallback: boolean): boolean {
    const v = this.config[key];
    return typeof v === 'boolean' ? v : fallback;
  }

  protected str(key: string, fallback: string): string {
    const v = this.config[key];
    return typeof v === 'string' ? v : fallback;
  }

  protected intList(key: string): number[] | null {
    const v = this.config[key];
    if (typeof v === 'number') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    return null;
  }
}

/** A config number; JSON configs spell non-finite values "NaN" / "Infinity" (Masking(mask_value=np.nan)). */
export function configNumber(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'nan') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return undefined;
}

export function lastDim(shape: Shape, who: string): number {
  const d = shape[shape.length - 1];
  if (typeof d !== 'number')
    throw new UserFacingError(`${who}: the last dimension of its input must be known`, 'model-input-shape', who);
  return d;
}

/** Normalises a possibly negative axis for a given rank. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** The one output of a layer call, for wrappers that take a single tensor. */
export function singleOutput(result: Tensor | Tensor[], who: string): Tensor {
  if (!Array.isArray(result)) return result;
  throw new UserFacingError(
    `${who}: the wrapped layer returns ${result.length} tensors (return_state?), which this wrapper cannot take`,
    'unsupported-config',
    who,
  );
}
