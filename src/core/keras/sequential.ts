/**
 * Sequential models: `Sequential()` + `.add(...)`, `Sequential([...])`, an implicit
 * InputLayer from the first layer's `input_shape=` (Keras' legacy path), `keras.Input` or
 * `InputLayer` added first, nested models added as layers, and each layer's shapes along
 * the chain. (`newModel` makes the model object every kind starts from.)
 */
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { inputLayer } from './inputs';
import { newLayer, opaqueLayer } from './layers';
import { emptyTraining, type LayerObj, type ModelObj, type Shape, type TensorObj } from '../objects/modelObjects';
import { outputShapes } from './shapes';
import { rangeOf, type Syntax } from '../python/syntax';
import { asString, iterate, type Value } from '../objects/values';

export function newModel(
  ctx: Ctx,
  kind: ModelObj['kind'],
  className: string,
  name: string | null,
  node: Syntax,
): ModelObj {
  const modelName = name ?? ctx.namer.model(className);
  const layer = newLayer(ctx, className, node, true);
  ctx.layers.pop(); // a model is listed as a model, not as a loose layer
  const model: ModelObj = {
    id: ctx.id(),
    family: ctx.family,
    kind,
    className,
    module:
      className === 'Sequential' ? 'keras' : className === 'Functional' ? 'keras.src.models.functional' : '__main__',
    name: modelName,
    varName: null,
    varIsGlobal: false,
    range: rangeOf(node),
    layers: [],
    inputs: null,
    outputs: null,
    layer,
    training: emptyTraining(),
    diagnostics: [],
    unresolved: [],
    subclass: null,
  };
  layer.model = model;
  layer.module = model.module;
  layer.config = { name: modelName };
  ctx.models.push(model);
  return model;
}

export function newSequential(ctx: Ctx, args: CallArgs): Value {
  const name = asString(args.kw.get('name') ?? args.pos[2]) ?? null;
  const layers = args.kw.get('layers') ?? args.pos[0];
  const layersNode = args.kwNodes.get('layers') ?? args.posNodes[0];
  let items = layers ? iterate(layers) : null;
  const single = layers ? layerOf(ctx, layers) : null;
  if (!items && single && layers?.t !== 'model') {
    // Sequential(layer) with one layer, not a list: tf.keras wraps it in a list; Keras 3 iterates it and raises.
    if (ctx.family === 'keras3') {
      const label = `Keras ${ctx.version}`;
      ctx.report(
        'keras-error',
        'error',
        `${label} raises TypeError: '${single.className}' object is not iterable — Sequential() takes a list of layers (tf.keras 2 accepted a single layer). Write Sequential([${layersNode?.text ?? '...'}]). MaskLens stops reading this code path here, as Python would. (${label})`,
        rangeOf(layersNode ?? args.node),
      );
      if (name === null) ctx.namer.model('Sequential'); // Keras named the model before it raised
      ctx.evaluator.raise();
    }
    items = [layers as Value];
  }
  const model = newModel(ctx, 'sequential', 'Sequential', name, args.node);
  if (items) {
    const elements = layersNode && layersNode.type === 'list' ? layersNode.namedChildren : [];
    items.forEach((item, i) => sequentialAdd(ctx, model, item, elements[i] ?? layersNode ?? args.node));
    sequentialRebuilt(ctx, model);
  } else if (layers && layers.t !== 'none') {
    model.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        'MaskLens cannot tell which layers this Sequential holds (the list is not written in this file).',
        rangeOf(layersNode ?? args.node),
      ),
    );
  }
  return { t: 'model', model };
}

function layerOf(ctx: Ctx, v: Value): LayerObj | null {
  if (v.t === 'unknown' && v.origin) return opaqueLayer(ctx, v.origin);
  if (v.t === 'layer') return v.layer;
  if (v.t === 'model') return v.model.layer;
  if (v.t === 'instance') return v.inst.model?.layer ?? v.inst.layer;
  if (v.t === 'tensor' && v.tensor.node.isInput) return v.tensor.node.layer;
  return null;
}

export function sequentialAdd(ctx: Ctx, model: ModelObj, value: Value, node: Syntax | null): void {
  // A step of the reading's budget: `Sequential(layers)` in a loop adds every layer every time.
  ctx.step();
  const layer = layerOf(ctx, value);
  if (!layer) {
    model.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        'MaskLens cannot tell which layer is added here.',
        node ? rangeOf(node) : model.range,
      ),
    );
    return;
  }
  if (model.layers.length === 0 && layer.inputShape && layer.className !== 'InputLayer') {
    // Keras: `if not self._layers and layer._input_shape_arg: self.add(InputLayer(shape=...))`.
    const name = ctx.namer.sequentialInput(String(layer.config.name));
    const input = inputLayer(
      ctx,
      layer.inputShape.batchShape,
      layer.inputShape.dtype,
      name,
      null,
      layer.inputShape.range,
    );
    input.syntax = layer.syntax;
    model.layers.push(input);
  }
  if (layer.className === 'InputLayer' && model.layers.some((l) => l.className === 'InputLayer')) {
    model.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        'This Sequential model already has an input; Keras raises ValueError when a second Input layer is added.',
        node ? rangeOf(node) : model.range,
      ),
    );
    return;
  }
  model.layers.push(layer);
}

/**
 * Keras 3 rebuilds a Sequential that starts with an InputLayer as a Functional whenever it
 * changes (after its constructor's list, after each add(), when it is built on a tensor), and
 * that Functional takes the next `functional` name: the models named after it count on.
 */
export function sequentialRebuilt(ctx: Ctx, model: ModelObj): void {
  if (ctx.family === 'keras3' && model.layers[0]?.className === 'InputLayer' && model.layers.length > 1)
    ctx.namer.model('Functional');
}

/**
 * Keras builds a Sequential that declares no input the first time it is called on a tensor
 * (a sub-model used as a layer): an InputLayer of that tensor's shape goes first, named as
 * the family names it (Keras 3 `input_layer_N` at that moment; tf.keras `<first layer>_input`).
 */
export function buildOnCall(ctx: Ctx, model: ModelObj, tensor: TensorObj): void {
  const first = model.layers[0];
  if (!first || first.className === 'InputLayer') return;
  const shape: Shape | null = tensor.shape ? [null, ...tensor.shape.slice(1)] : null;
  const input = inputLayer(
    ctx,
    shape,
    'float32',
    ctx.namer.sequentialInput(String(first.config.name)),
    null,
    model.range,
  );
  model.layers.unshift(input);
  sequentialRebuilt(ctx, model);
}

/** Input and output shape of each layer along the chain (index i: layer i's output). */
export function sequentialShapes(model: ModelObj): { input: (Shape | null)[]; output: (Shape | null)[] } {
  const input: (Shape | null)[] = [];
  const output: (Shape | null)[] = [];
  let current: Shape | null = null;
  for (const layer of model.layers) {
    input.push(current);
    if (layer.className === 'InputLayer') current = (layer.nodes[0]?.outputs[0]?.shape ?? null) as Shape | null;
    else if (layer.model) current = nestedOutputShape(layer.model);
    else current = outputShapes(layer, [current])[0];
    output.push(current);
  }
  return { input, output };
}

function nestedOutputShape(model: ModelObj): Shape | null {
  if (model.kind === 'sequential') {
    const { output } = sequentialShapes(model);
    return output[output.length - 1] ?? null;
  }
  const outs = model.outputs;
  return outs && !Array.isArray(outs) && 'node' in outs ? outs.shape : null;
}
