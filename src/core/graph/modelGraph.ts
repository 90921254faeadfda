/**
 * One model as a graph of layer calls, built from its Keras config (a ModelIR's `config`, or a
 * config Keras wrote). The static mask flow and the runtime executor both walk it, so what the
 * analysis predicts and what the runtime computes follow the same connections.
 */
import type { JsonObject, JsonValue } from '../ir';

/** A shape, batch first; null where the config leaves a dimension open. */
export type Shape = (number | null)[];

export interface TensorRef {
  layer: string;
  node: number;
  index: number;
}

/**
 * `input`: an InputLayer; `op`: a Keras operation recorded in a functional config (a mask
 * computation such as NotEqual, or a slice), not a Layer; `model`: a model used as a layer.
 */
export type LayerKind = 'input' | 'layer' | 'op' | 'model';

export interface LayerSpec {
  name: string;
  className: string;
  module: string;
  config: JsonObject;
  kind: LayerKind;
  /** The graph of a layer that is a whole model. */
  nested: ModelGraph | null;
}

/** An argument of a call: a tensor, a list of them, or a constant (slices, scalars). */
export type CallArg =
  { kind: 'tensor'; ref: TensorRef } | { kind: 'list'; items: CallArg[] } | { kind: 'const'; value: JsonValue };

export interface NodeSpec {
  id: string;
  layer: string;
  nodeIndex: number;
  args: CallArg[];
  /** Tensor inputs: the first argument's list (Merge, Attention) or every tensor argument (MultiHeadAttention's query, value, key). */
  inputs: TensorRef[];
  inputIsList: boolean;
  /** How many of `inputs` the first positional argument holds (Keras computes `previous_mask` from these). */
  firstArgCount: number;
  /** An explicit `mask=` argument (Keras 3 records the propagated mask this way in functional configs). */
  maskArg: TensorRef[] | null;
  /**
   * How many of the call's arguments hold tensors (positional or by keyword, `mask=` aside).
   * Keras 3 fills in a layer's `mask=` only when there is one; with more (an RNN given
   * `initial_state=`) the call gets a mask only when it is passed explicitly.
   */
  tensorArguments: number;
  kwargs: Record<string, JsonValue>;
}

export interface ModelInput {
  name: string;
  /** Null when the config declares no input shape (a Sequential built without one). */
  batchShape: Shape | null;
  dtype: string;
}

/**
 * `config`: the config records every connection. `init-order`: a subclassed model whose
 * `call()` MaskLens could not trace; its layers are chained in `__init__` order, a guess the
 * analysis flags and the runtime refuses. `missing`: a functional model whose inputs or
 * outputs the reader could not follow; it has no nodes.
 */
export type Connections = 'config' | 'init-order' | 'missing';

export interface ModelGraph {
  name: string;
  className: string;
  /** Every layer by name, in config order: input layers, Keras ops and nested models included. */
  layers: Map<string, LayerSpec>;
  inputs: ModelInput[];
  inputRefs: TensorRef[];
  /** Every call, each after the calls that compute its inputs. */
  nodes: NodeSpec[];
  outputs: TensorRef[];
  connections: Connections;
}

export const refKey = (r: TensorRef): string => `${r.layer}#${r.node}#${r.index}`;

/** Keras 3 fills in no `mask=` for a call with several tensor arguments unless one is given (see `tensorArguments`). */
export function maskNotFilledIn(node: NodeSpec): boolean {
  return node.tensorArguments > 1 && node.maskArg === null;
}
