/**
 * Inputs: `keras.Input(...)` (a tensor), `InputLayer(...)` (a layer for Sequential.add),
 * in Keras 3 config form (`batch_shape`), with the family's automatic names.
 */
import type { JsonObject, Range } from '../ir';
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { newLayer, shapeFrom } from './layers';
import { graphEpoch, type LayerObj, type NodeObj, type Shape } from '../objects/modelObjects';
import { rangeOf, type Syntax } from '../python/syntax';
import { asInt, asString, toJson, type Value } from '../objects/values';

/** `batchShape` null: not even the rank is known (`Input(x_train.shape[1:])` over data loaded at run time). */
function inputLayerConfig(batchShape: Shape | null, dtype: string, name: string, sparse: boolean): JsonObject {
  return {
    batch_shape: batchShape ? batchShape.map((d) => (typeof d === 'number' ? d : null)) : null,
    dtype,
    sparse,
    ragged: false,
    name,
    optional: false,
  };
}

/** An InputLayer with its single node and output tensor (what `keras.Input` returns). */
export function inputLayer(
  ctx: Ctx,
  batchShape: Shape | null,
  dtype: string,
  name: string,
  node: Syntax | null,
  range?: Range,
): LayerObj {
  const layer = newLayer(ctx, 'InputLayer', node, true);
  if (range) layer.range = range;
  layer.config = inputLayerConfig(batchShape, dtype, name, false);
  const n: NodeObj = {
    layer,
    index: 0,
    args: [],
    kwargs: [],
    inputs: [],
    maskArgs: [],
    outputs: [],
    range: layer.range,
    isInput: true,
  };
  n.outputs.push({ node: n, index: 0, shape: batchShape, dtype, symMask: null });
  layer.nodes.push(n);
  graphEpoch.value++;
  return layer;
}

/** `keras.Input(shape=(T, F), batch_size=None, dtype=..., name=...)`. */
export function makeInput(ctx: Ctx, args: CallArgs): Value {
  const probe = newProbe(ctx, args.node);
  const shapeValue = args.kw.get('shape') ?? args.pos[0];
  const shapeNode = args.kwNodes.get('shape') ?? args.posNodes[0];
  const batchShapeValue = args.kw.get('batch_shape');
  const batchSize = asInt(args.kw.get('batch_size') ?? args.pos[1]) ?? null;
  let batchShape: Shape | null;
  if (batchShapeValue) batchShape = shapeFrom(ctx, probe, batchShapeValue, args.kwNodes.get('batch_shape'), 0);
  else {
    const shape = shapeValue ? shapeFrom(ctx, probe, shapeValue, shapeNode, 1) : [];
    batchShape = shape ? [batchSize, ...shape] : null;
  }
  const dtypeValue = args.kw.get('dtype') ?? (ctx.family === 'keras3' ? args.pos[2] : args.pos[3]);
  const dtype =
    asString(dtypeValue) ?? (dtypeValue?.t === 'ref' ? (dtypeValue.qual.split('.').pop() ?? 'float32') : 'float32');
  const name =
    asString(args.kw.get('name') ?? (ctx.family === 'keras3' ? args.pos[6] : args.pos[2])) ?? ctx.namer.input();
  const layer = inputLayer(ctx, batchShape, dtype, name, args.node);
  adopt(layer, probe);
  if (args.kw.get('sparse')?.t === 'bool') layer.config.sparse = toJson(args.kw.get('sparse') as Value) as boolean;
  return { t: 'tensor', tensor: layer.nodes[0].outputs[0] };
}

/** `InputLayer(input_shape=..., shape=..., batch_shape=...)`: the layer (for Sequential.add). */
export function constructInputLayer(ctx: Ctx, args: CallArgs): Value {
  const keras3Only = ['shape', 'batch_shape'].filter((k) => args.kw.has(k));
  if (ctx.family === 'tf-keras2' && keras3Only.length > 0) {
    const label = `tf.keras ${ctx.version}`;
    ctx.report(
      'keras-error',
      'error',
      `${label} raises ValueError: Unrecognized keyword arguments: [${keras3Only.map((k) => `'${k}'`).join(', ')}] — tf.keras' InputLayer takes input_shape= / batch_input_shape= (shape= is Keras 3). MaskLens stops reading this code path here, as Python would. (${label})`,
      rangeOf(args.kwNameNodes.get(keras3Only[0]) ?? args.node),
    );
    ctx.evaluator.raise();
  }
  const probe = newProbe(ctx, args.node);
  const batchSize = asInt(args.kw.get('batch_size')) ?? null;
  let batchShape: Shape | null = [null];
  const batchKey = ['batch_shape', 'batch_input_shape'].find((k) => args.kw.has(k));
  const shapeKey = ['shape', 'input_shape'].find((k) => args.kw.has(k));
  if (batchKey) batchShape = shapeFrom(ctx, probe, args.kw.get(batchKey) as Value, args.kwNodes.get(batchKey), 0);
  else if (shapeKey || args.pos[0]) {
    const v = (shapeKey ? args.kw.get(shapeKey) : args.pos[0]) as Value;
    const shape = shapeFrom(ctx, probe, v, shapeKey ? args.kwNodes.get(shapeKey) : args.posNodes[0], 1);
    batchShape = shape ? [batchSize, ...shape] : null;
  }
  const dtype = asString(args.kw.get('dtype')) ?? 'float32';
  const name = asString(args.kw.get('name')) ?? ctx.namer.input();
  const layer = inputLayer(ctx, batchShape, dtype, name, args.node);
  adopt(layer, probe);
  return { t: 'layer', layer };
}

/** A scratch layer that collects diagnostics while an input's shape is read. */
function newProbe(ctx: Ctx, node: Syntax): LayerObj {
  const probe = newLayer(ctx, 'InputLayer', node, true);
  ctx.layers.pop();
  return probe;
}

function adopt(layer: LayerObj, probe: LayerObj): void {
  layer.diagnostics.push(...probe.diagnostics);
  layer.unresolved.push(...probe.unresolved);
}
