/**
 * The objects the interpreter builds while it reads a file: layers, their call nodes,
 * symbolic tensors and models. They mirror Keras' own object graph (a layer has inbound
 * nodes, a node has input and output tensors), so the config written from them has the
 * same names, order and connections as `model.to_json()`.
 */
import type {
  CustomLayerIR,
  Diagnostic,
  JsonObject,
  JsonValue,
  KerasFamily,
  LambdaIR,
  ModelKind,
  Range,
  StatedInputShape,
  TrainingSpec,
  UnresolvedDimension,
} from '../ir';
import type { Syntax } from '../python/syntax';

import type { Dim, Shape } from '../layers/entry';

export type { Dim, Shape };

export interface LayerObj {
  id: number;
  /** Keras class name (`LSTM`), or the user's class name for custom layers. */
  className: string;
  module: string;
  /** Whether MaskLens' catalog knows the class (else it is an opaque node). */
  known: boolean;
  /**
   * A Keras 3 operation (`NotEqual`, `Any`, ...) that Keras records in a functional graph
   * while it computes masks symbolically. Not a layer: no mask rules, not listed as one.
   */
  op: boolean;
  /** Keras 3 config, `name` included. */
  config: JsonObject;
  /** The constructor call in the source. */
  range: Range;
  syntax: Syntax | null;
  /** Source ranges of constructor arguments, keyed by config key (`mask_value`, `input_dim`). */
  argRanges: Record<string, Range>;
  argSyntax: Record<string, Syntax>;
  /** `input_shape=` / `input_dim=` / `batch_input_shape=` given to the constructor (Sequential's implicit input). */
  inputShape: { batchShape: Shape; dtype: string; range: Range } | null;
  /** The wrapped layer of `Bidirectional` / `TimeDistributed`. */
  inner: LayerObj | null;
  lambda: LambdaIR | null;
  /** Set when this layer is a model used as a layer. */
  model: ModelObj | null;
  /** Functional call sites, in creation order (Keras' `_inbound_nodes`). */
  nodes: NodeObj[];
  /** What the reader found about this layer (unknown class, unresolved shape, untranslatable Lambda). */
  diagnostics: Diagnostic[];
  unresolved: UnresolvedDimension[];
  /** Made in code the reader could only guess at (a loop over items it cannot read): what and where. */
  guess?: { why: string; line: number };
  /** Lambda only: the `mask=` argument that would make it carry the mask, and where it goes. */
  lambdaMaskFix: { insertAt: Range; newText: string; maskSource: string } | null;
  /** Lambda only: what its function does to the time axis (decides whether dropping the mask is a bug). */
  lambdaTime: 'time-slice' | 'elementwise' | 'reduces-time' | 'unknown' | null;
  /** An instance of a layer class the file defines: what its class says, its methods translated. */
  custom: CustomLayerObj | null;
  /** An input shape the constructor states but Keras does not build from (Keras 3's Embedding `input_length=`). */
  statedInput: StatedInputShape | null;
}

/** A custom layer as the reader holds it; the IR form has the configs of the layers it holds. */
export interface CustomLayerObj extends Omit<CustomLayerIR, 'sublayers'> {
  sublayers: [string, LayerObj][];
}

/** An argument structure of a call, as Keras records it in `inbound_nodes`. */
export type ArgTree =
  | { t: 'tensor'; tensor: TensorObj }
  | { t: 'list'; items: ArgTree[] }
  | { t: 'dict'; entries: [string, ArgTree][] }
  | { t: 'json'; value: JsonValue };

export interface NodeObj {
  layer: LayerObj;
  /** Index among the layer's nodes (before a model re-indexes them). */
  index: number;
  args: ArgTree[];
  kwargs: [string, ArgTree][];
  inputs: TensorObj[];
  /** Mask tensors Keras 3 recorded as `mask=` arguments (part of the graph, not data inputs). */
  maskArgs: TensorObj[];
  outputs: TensorObj[];
  range: Range;
  /** InputLayer nodes have no inputs. */
  isInput: boolean;
}

export interface TensorObj {
  node: NodeObj;
  index: number;
  shape: Shape | null;
  dtype: string;
  /** Keras 3: the symbolic mask Keras attached at construction time (a tensor of the graph), if any. */
  symMask: TensorObj | null;
}

/** A nested structure of tensors, as given to `Model(inputs=..., outputs=...)`. */
export type TensorTree = TensorObj | TensorTree[] | { dict: [string, TensorTree][] };

export interface ModelObj {
  id: number;
  /** The Keras family the file is read for (configs differ in small ways, e.g. node numbering). */
  family: KerasFamily;
  kind: ModelKind;
  /** `Sequential`, `Functional`, or the subclass's name. */
  className: string;
  module: string;
  /** Keras' name for the model (`sequential`, `functional_1`). */
  name: string;
  /** The Python variable the model is bound to, once known (a module-level name wins over a local one). */
  varName: string | null;
  varIsGlobal: boolean;
  range: Range;
  /** Sequential: its layers in order (an implicit InputLayer first when the input shape is known). */
  layers: LayerObj[];
  inputs: TensorTree | null;
  outputs: TensorTree | null;
  /** The model as a layer (it can be added to or called in another model). */
  layer: LayerObj;
  training: TrainingSpec;
  diagnostics: Diagnostic[];
  unresolved: UnresolvedDimension[];
  /** Subclassed models: the class's layers by attribute, and the traced call. */
  subclass: { attrs: [string, LayerObj][]; traced: boolean; functional?: boolean } | null;
}

export function emptyTraining(): TrainingSpec {
  return {
    loss: null,
    optimizer: null,
    sampleWeightMode: null,
    customLoss: null,
    metrics: null,
    weightedMetrics: null,
    customMetrics: [],
    batchSize: null,
    epochs: null,
    fitArgs: {},
    evaluateArgs: null,
    predictArgs: null,
  };
}

export function isTensor(tree: TensorTree): tree is TensorObj {
  return !Array.isArray(tree) && 'node' in tree;
}

export function flattenTensors(tree: TensorTree | null): TensorObj[] {
  if (tree === null) return [];
  if (isTensor(tree)) return [tree];
  if (Array.isArray(tree)) return tree.flatMap(flattenTensors);
  return tree.dict.flatMap(([, v]) => flattenTensors(v));
}

/** The tensors in a call's argument tree, in argument order (a node's `inputs`). */
export function collectArgTensors(tree: ArgTree, out: TensorObj[]): void {
  if (tree.t === 'tensor') out.push(tree.tensor);
  else if (tree.t === 'list') tree.items.forEach((i) => collectArgTensors(i, out));
  else if (tree.t === 'dict') tree.entries.forEach(([, i]) => collectArgTensors(i, out));
}

export function dimToJson(d: Dim): number | null {
  return typeof d === 'number' ? d : null;
}

export function shapeToJson(shape: Shape): (number | null)[] {
  return shape.map(dimToJson);
}

/**
 * Bumped whenever a node is created anywhere, so graph computations cached per model
 * (`mapGraph`) know when they are stale.
 */
export const graphEpoch = { value: 0 };
