/**
 * Functional models: `Model(inputs=..., outputs=...)` over the nodes that layer calls
 * created, and the graph between them as Keras 3's `ops.function.map_graph` orders it
 * (layers by depth from the outputs, ties broken by the depth-first traversal order; each
 * layer's nodes re-indexed to the nodes inside this model), which its config is written in.
 */
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { newModel } from './sequential';
import {
  flattenTensors,
  graphEpoch,
  type LayerObj,
  type ModelObj,
  type NodeObj,
  type TensorObj,
  type TensorTree,
} from '../objects/modelObjects';
import { rangeOf } from '../python/syntax';
import { asString, type Value } from '../objects/values';

function tensorTree(v: Value | undefined): TensorTree | null {
  if (!v) return null;
  if (v.t === 'tensor') return v.tensor;
  if (v.t === 'seq') {
    const items = v.items.map(tensorTree);
    return items.every((i) => i !== null) ? (items as TensorTree[]) : null;
  }
  if (v.t === 'dict') {
    const entries: [string, TensorTree][] = [];
    for (let i = 0; i < v.keys.length; i++) {
      const k = v.keys[i];
      const t = tensorTree(v.values[i]);
      if (k.t !== 'str' || !t) return null;
      entries.push([k.v, t]);
    }
    return { dict: entries };
  }
  return null;
}

export function newFunctional(ctx: Ctx, args: CallArgs): Value {
  const inputsValue = args.kw.get('inputs') ?? args.pos[0];
  const outputsValue = args.kw.get('outputs') ?? args.pos[1];
  const name = asString(args.kw.get('name') ?? args.pos[2]) ?? null;
  const model = newModel(ctx, 'functional', 'Functional', name, args.node);
  model.inputs = tensorTree(inputsValue);
  model.outputs = tensorTree(outputsValue);
  if (!model.inputs || !model.outputs) {
    const which = !model.inputs ? 'inputs' : 'outputs';
    const node = args.kwNodes.get(which) ?? args.posNodes[which === 'inputs' ? 0 : 1] ?? args.node;
    model.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        `MaskLens cannot follow this model's ${which}: they are not Keras tensors built in this file.`,
        rangeOf(node),
      ),
    );
  }
  return { t: 'model', model };
}

/**
 * `super().__init__(inputs=..., outputs=...)` in a `keras.Model` subclass: the subclass is a
 * functional model over that graph (Keras' Functional constructor runs on the instance), so
 * its graph is known without tracing `call`.
 */
export function functionalInit(ctx: Ctx, model: ModelObj, args: CallArgs): void {
  const inputs = tensorTree(args.kw.get('inputs') ?? args.pos[0]);
  const outputs = tensorTree(args.kw.get('outputs') ?? args.pos[1]);
  const name = asString(args.kw.get('name'));
  if (name !== null) {
    model.name = name;
    model.layer.config.name = name;
  }
  if (!inputs || !outputs || !model.subclass) return;
  model.inputs = inputs;
  model.outputs = outputs;
  model.subclass.traced = true;
  model.subclass.functional = true;
  void ctx;
}

export interface Graph {
  /** Layers (and Keras 3 mask ops) in Keras' order. */
  layers: LayerObj[];
  /** Nodes inside the model, in topological order (inputs first). */
  nodes: NodeObj[];
  /** The order Keras runs the nodes in (`nodes_by_depth`, deepest first). */
  runOrder: NodeObj[];
  /** A layer's node → its index among the layer's nodes inside this model. */
  reindex: Map<NodeObj, number>;
}

const graphs = new WeakMap<
  ModelObj,
  { epoch: number; inputs: TensorTree | null; outputs: TensorTree | null; graph: Graph }
>();

/** Keras 3's `map_graph(inputs, outputs)`, cached until any node is added anywhere. */
export function mapGraph(model: ModelObj): Graph {
  const cached = graphs.get(model);
  if (cached && cached.epoch === graphEpoch.value && cached.inputs === model.inputs && cached.outputs === model.outputs)
    return cached.graph;
  const graph = mapGraphUncached(model);
  graphs.set(model, { epoch: graphEpoch.value, inputs: model.inputs, outputs: model.outputs, graph });
  return graph;
}

function mapGraphUncached(model: ModelObj): Graph {
  const inputs = new Set(flattenTensors(model.inputs));
  const finished = new Set<NodeObj>();
  const inProgress = new Set<NodeObj>();
  const ordered: NodeObj[] = [];
  const layerIndex = new Map<LayerObj, number>();

  const visit = (tensor: TensorObj): void => {
    const node = tensor.node;
    if (finished.has(node)) return;
    if (!node.isInput && inputs.has(tensor)) {
      finished.add(node);
      return;
    }
    if (inProgress.has(node)) return; // a cycle cannot be built from source; stay safe
    if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
    inProgress.add(node);
    if (!node.isInput) for (const t of [...node.inputs, ...node.maskArgs]) visit(t);
    finished.add(node);
    inProgress.delete(node);
    ordered.push(node);
  };
  for (const t of flattenTensors(model.outputs)) visit(t);

  const inGraph = new Set(ordered);
  const nodeDepth = new Map<NodeObj, number>();
  const layerDepth = new Map<LayerObj, number>();
  for (let i = ordered.length - 1; i >= 0; i--) {
    const node = ordered[i];
    let depth = nodeDepth.get(node) ?? 0;
    nodeDepth.set(node, depth);
    depth = Math.max(depth, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of [...node.inputs, ...node.maskArgs]) {
      const parent = t.node;
      if (!inGraph.has(parent)) continue;
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  for (const t of inputs) {
    if (!layerDepth.has(t.node.layer) && t.node.isInput) {
      layerDepth.set(t.node.layer, 0);
      layerIndex.set(t.node.layer, -1);
      nodeDepth.set(t.node, 0);
    }
  }
  const layers = [...layerDepth.keys()].sort(
    (a, b) =>
      (layerDepth.get(b) ?? 0) - (layerDepth.get(a) ?? 0) || (layerIndex.get(a) ?? 0) - (layerIndex.get(b) ?? 0),
  );
  const networkNodes = new Set<NodeObj>(nodeDepth.keys());
  const reindex = new Map<NodeObj, number>();
  for (const layer of layers) {
    // tf.keras keeps a nested model's own first node (inputs → outputs) out of the outer
    // config, so the outer calls count from 1 (`_should_skip_first_node`).
    const nested = layer.model;
    let k =
      model.family === 'tf-keras2' &&
      nested &&
      (nested.kind === 'functional' || nested.layers[0]?.className === 'InputLayer')
        ? 1
        : 0;
    for (const node of layer.nodes) if (networkNodes.has(node)) reindex.set(node, k++);
  }
  const byDepth = new Map<number, NodeObj[]>();
  for (const [node, d] of nodeDepth) {
    const list = byDepth.get(d);
    if (list) list.push(node);
    else byDepth.set(d, [node]);
  }
  const runOrder = [...byDepth.keys()].sort((a, b) => b - a).flatMap((d) => byDepth.get(d) ?? []);
  return { layers, nodes: ordered, runOrder, reindex };
}
