/**
 * Calling a layer on symbolic tensors (`layer(x)`, `layer([a, b])`, `mha(q, v)`): a new
 * node on the layer, with its output tensors' shapes, exactly as Keras' functional API
 * records it. Under Keras 3 the symbolic masks (and their ops) are attached too.
 */
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { symbolicMasks } from './maskOps';
import {
  collectArgTensors,
  graphEpoch,
  type ArgTree,
  type LayerObj,
  type NodeObj,
  type Shape,
  type TensorObj,
} from '../objects/modelObjects';
import { buildOnCall } from './sequential';
import { outputShapes } from './shapes';
import { rangeOf } from '../python/syntax';
import { seq, toJson, unknown, type Value } from '../objects/values';

function argTree(v: Value): ArgTree {
  if (v.t === 'tensor') return { t: 'tensor', tensor: v.tensor };
  if (v.t === 'seq') return { t: 'list', items: v.items.map(argTree) };
  if (v.t === 'dict')
    return { t: 'dict', entries: v.keys.map((k, i) => [k.t === 'str' ? k.v : String(i), argTree(v.values[i])]) };
  return { t: 'json', value: toJson(v) ?? null };
}

/**
 * `layer(x)` / `layer([a, b])` / `mha(q, v)` on symbolic tensors: a new node on the layer.
 * Calls on data (not tensors) run eagerly in Keras and add nothing to a graph.
 */
export function callLayer(ctx: Ctx, layer: LayerObj, args: CallArgs): Value {
  const posTrees = args.pos.map(argTree);
  // Keras flattens kwargs in sorted key order when it lists a node's input tensors.
  const kwTrees: [string, ArgTree][] = [...args.kw]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, argTree(v)]);
  const inputs: TensorObj[] = [];
  posTrees.forEach((t) => collectArgTensors(t, inputs));
  kwTrees.forEach(([, t]) => collectArgTensors(t, inputs));
  if (inputs.length === 0) return unknown(null, rangeOf(args.node));
  if (layer.model?.kind === 'sequential' && inputs.length === 1) buildOnCall(ctx, layer.model, inputs[0]);
  if (layer.custom && layer.nodes.length === 0) heldSequentialsBuilt(ctx, layer);
  const node: NodeObj = {
    layer,
    index: layer.nodes.length,
    args: posTrees,
    kwargs: kwTrees,
    inputs,
    maskArgs: [],
    outputs: [],
    range: rangeOf(args.node),
    isInput: false,
  };
  layer.nodes.push(node);
  graphEpoch.value++;
  const kwJson = new Map([...args.kw].map(([k, v]) => [k, toJson(v)]));
  const model = layer.model;
  const shapes = model
    ? modelOutputShapes(model, Math.max(1, modelOutputCount(model)))
    : outputShapes(
        layer,
        inputs.map((t) => t.shape),
        kwJson,
      );
  // A custom layer returns as many tensors as its translated call does (`ops.split(x, 2)`: two).
  const count = Math.max(1, layer.custom && !layer.custom.base ? layer.custom.outputs : shapes.length);
  for (let i = 0; i < count; i++) {
    const dtype = 'float32';
    node.outputs.push({ node, index: i, shape: shapes[i] ?? null, dtype, symMask: null });
  }
  if (layer.className === 'MultiHeadAttention' && layer.config.attention_axes === null) {
    // Keras fills attention_axes when it builds the layer: every axis between batch and features.
    const rank = inputs[0]?.shape?.length;
    if (rank !== undefined && rank >= 3)
      layer.config.attention_axes = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  }
  if (ctx.family === 'keras3') symbolicMasks(ctx, node, args.kw.size > 0);
  if (count === 1) return { t: 'tensor', tensor: node.outputs[0] };
  return seq(
    node.outputs.map((tensor) => ({ t: 'tensor', tensor }) as Value),
    true,
  );
}

function modelOutputCount(model: NonNullable<LayerObj['model']>): number {
  if (model.kind === 'sequential') return 1;
  const outs = model.outputs;
  if (!outs) return 1;
  if (Array.isArray(outs)) return outs.length;
  return 'dict' in outs ? outs.dict.length : 1;
}

function modelOutputShapes(model: NonNullable<LayerObj['model']>, count: number): (Shape | null)[] {
  const outs = model.outputs;
  if (model.kind === 'sequential') {
    const last = model.layers[model.layers.length - 1];
    return [last?.nodes[0]?.outputs[0]?.shape ?? null];
  }
  if (!outs) return Array.from({ length: count }, () => null);
  const list = Array.isArray(outs) ? outs : 'dict' in outs ? outs.dict.map(([, t]) => t) : [outs];
  return list.map((t) => (!Array.isArray(t) && 'node' in t ? t.shape : null));
}

/**
 * A custom layer's first call runs its `call`, which builds the Sequential blocks it holds
 * that declare no input; in Keras 3 each then becomes a Functional that takes the next
 * `functional` name (the models named after it count on).
 */
function heldSequentialsBuilt(ctx: Ctx, layer: LayerObj): void {
  if (ctx.family !== 'keras3') return;
  for (const [, held] of layer.custom?.sublayers ?? []) {
    const block = held.model;
    if (block?.kind === 'sequential' && block.layers.length > 0 && block.layers[0]?.className !== 'InputLayer')
      ctx.namer.model('Functional');
  }
}
