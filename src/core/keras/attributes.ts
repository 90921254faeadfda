/**
 * Attributes of the Keras objects the reader builds: a tensor's `shape`, a layer's `name`,
 * `input` and `output`, a model's `name`, `layers`, `inputs` and `outputs`; any other name
 * is a method, resolved when it is called.
 */
import { mapGraph } from './functional';
import type { LayerObj, ModelObj } from '../objects/modelObjects';
import { rangeOf, type Syntax } from '../python/syntax';
import { NONE, num, seq, str, unknown, type Value } from '../objects/values';

/** A layer as a value: a nested model stays a model (it can be called, added, asked for its layers). */
export function layerValue(layer: LayerObj): Value {
  return layer.model ? { t: 'model', model: layer.model } : { t: 'layer', layer };
}

export function tensorAttribute(object: Value & { t: 'tensor' }, name: string): Value {
  if (name === 'shape')
    return seq(
      (object.tensor.shape ?? []).map((d) =>
        typeof d === 'number' ? num(d) : d === null ? NONE : unknown(d.unresolved),
      ),
    );
  return { t: 'method', self: object, name };
}

export function layerAttribute(object: Value & { t: 'layer' }, name: string, node: Syntax): Value {
  const layer = object.layer;
  if (name === 'name') return str(String(layer.config.name));
  if (name === 'output' || name === 'input') {
    // Keras: the first call's tensors; a list when that call had several (an RNN with return_state).
    const n = layer.nodes[0];
    const tensors = (name === 'output' ? n?.outputs : n?.inputs) ?? [];
    if (tensors.length === 0) return unknown(null, rangeOf(node));
    if (tensors.length === 1) return { t: 'tensor', tensor: tensors[0] };
    return seq(
      tensors.map((tensor) => ({ t: 'tensor', tensor }) as Value),
      true,
    );
  }
  if (name === 'layer' && layer.inner) return { t: 'layer', layer: layer.inner };
  return { t: 'method', self: object, name };
}

/**
 * `model.layers` as Keras lists them: a Sequential's layers without its InputLayer; a
 * functional model's in graph order, InputLayers included; a subclassed model's in the order
 * its `__init__` assigned them.
 */
export function listedLayers(model: ModelObj): LayerObj[] {
  if (model.kind === 'sequential') return model.layers.filter((l) => l.className !== 'InputLayer');
  if (model.subclass && !model.subclass.functional) return model.subclass.attrs.map(([, l]) => l);
  return mapGraph(model).layers.filter((l) => !l.op);
}

export function modelAttribute(object: Value & { t: 'model' }, name: string, node: Syntax): Value {
  const model = object.model;
  if (name === 'name') return str(model.name);
  if (name === 'layers')
    return seq(
      listedLayers(model).map((layer) => layerValue(layer)),
      true,
    );
  if (name === 'output' || name === 'outputs' || name === 'input' || name === 'inputs') {
    const tree = name.startsWith('output') ? model.outputs : model.inputs;
    if (tree && !Array.isArray(tree) && 'node' in tree)
      return name.endsWith('s') ? seq([{ t: 'tensor', tensor: tree }], true) : { t: 'tensor', tensor: tree };
    if (Array.isArray(tree)) {
      const items: Value[] = tree.map((t) =>
        !Array.isArray(t) && 'node' in t ? ({ t: 'tensor', tensor: t } as Value) : unknown(null),
      );
      return seq(items, true);
    }
    return unknown(null, rangeOf(node));
  }
  return { t: 'method', self: object, name };
}
