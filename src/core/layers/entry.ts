/**
 * What MaskLens knows about one Keras layer class, in one entry: how the reader turns a
 * constructor call into Keras' config (signature and `get_config()` defaults), the versioned
 * mask-rule rows, and the output-shape rule. The entries are grouped by the Keras module the
 * class lives in; the runtime keys its implementations by the same class names.
 */
import type { JsonObject, JsonValue, LambdaIR } from '../ir';
import type { VersionedRule } from '../masking/rules';

/** A dimension as the reader knows it: a number, `null` (None: batch or variable length), or a name the source leaves open. */
export type Dim = number | null | { unresolved: string };
export type Shape = Dim[];

/** How a source value becomes the value Keras writes. */
export type Norm =
  | 'list' // tuples → lists
  | 'tuple1' // 3 → [3] (Conv1D kernel_size, pooling sizes)
  | 'activation'
  | 'initializer'
  | 'regularizer'
  | 'constraint'
  | 'layer' // a layer object (wrappers)
  | 'float';

/** The constructor as the reader reads it: Python parameters in order and the config Keras writes. */
export interface LayerSignature {
  params: string[];
  /** The config Keras 3.15.1's `get_config()` writes for a default-constructed layer (name, trainable, dtype aside). */
  defaults: () => JsonObject;
  norms?: Record<string, Norm>;
  /** Arguments Keras accepts but does not write (deprecated, or weights). */
  dropped?: string[];
  /** Python keyword → config key, where they differ. */
  aliases?: Record<string, string>;
  /** Fills defaults that derive from other arguments (strides ← pool_size). */
  derive?: (config: JsonObject) => void;
  /** Keras writes no `trainable` / puts keys in a different order (SpatialDropout1D). */
  bare?: boolean;
}

/** One call of a layer, as a shape rule sees it. */
export interface ShapeCall {
  config: JsonObject;
  /** The shapes of the call's tensor inputs (null where unknown). */
  inputs: (Shape | null)[];
  /** A Lambda's translated function. */
  lambda: LambdaIR | null;
  /** A wrapper's held layer, as its own shape rule sees a call on `inputs` (TimeDistributed applies it per timestep); null when unknown. */
  innerShape: ((inputs: (Shape | null)[]) => Shape | null) | null;
  /** Keyword arguments of the call (MultiHeadAttention's `return_attention_scores`). */
  kwargs: ReadonlyMap<string, JsonValue | undefined>;
}

/** One call of a layer, as the memory estimate's rules see it. */
export interface CostCall extends ShapeCall {
  /** The weight count of a layer given by its config (a wrapper's held layer) on these inputs; null when unknown. */
  paramsOf(layer: { className: string; config: JsonObject }, inputs: (Shape | null)[]): number | null;
  /** The same layer's working values per sample (see `LayerEntry.working`). */
  workingOf(layer: { className: string; config: JsonObject }, inputs: (Shape | null)[]): number | null;
}

export interface LayerEntry {
  signature: LayerSignature;
  /** Versioned mask-rule rows, each with its evidence; both families. */
  mask: VersionedRule[];
  /** `compute_output_shape` for the first output; null where it cannot be known statically. */
  shape: (call: ShapeCall) => Shape | null;
  /** Outputs after the first (an RNN's states with return_state, attention scores). */
  extraOutputs?: (call: ShapeCall) => (Shape | null)[];
  /** The sizes the layer's weights fix (`get_weights()` shapes, in order): Embedding's input_dim, Dense's units. */
  sizesFromWeights?: (shapes: number[][]) => Record<string, number>;
  /**
   * How many values the layer's weights hold on these inputs, as Keras' `count_params()`
   * counts them (non-trainable weights too); null where a needed dimension is unknown.
   * Absent: the layer has no weights.
   */
  params?: (call: CostCall) => number | null;
  /**
   * Values per sample a call holds besides its outputs while it runs (an RNN's gates and
   * states at every step, attention's score matrices): the memory estimate counts them for
   * every sample of a batch. Absent: none worth counting. Null where a shape is unknown.
   */
  working?: (call: CostCall) => number | null;
}
