/**
 * Attributes of the Keras objects the reader builds: a tensor's `shape`, a layer's `name`,
 * `input` and `output`, a model's `name`, `layers`, `inputs` and `outputs`; any other name
 * is a method, resolved when it is called.
 */
import { rangeOf, type Syntax } from '../python/syntax';
import { NONE, num, seq, str, unknown, type Value } from '../objects/values';

export function tensorAttribute(object: Value & { t: 'tensor' }, name: string): Value {
  if (name === 'shape') return seq((object.tensor.shape ?? []).map((d) => (typeof d === 'number' ? num(d) : d === null ? NONE : unknown(d.unresolved))));
  return { t: 'method', self: object, name };
}

export function layerAttribute(object: Value & { t: 'layer' }, name: string, node: Syntax): Value {
  const layer = object.layer;
  if (name === 'name') return str(String(layer.config.name));
  if (name === 'output' || name === 'input') {
    const n = layer.nodes[0];
    const t = name === 'output' ? n?.outputs[0] : n?.inputs[0];
    return t ? { t: 'tensor', tensor: t } : unknown(null, rangeOf(node));
  }
  return { t: 'method', self: object, name };
}

export function modelAttribute(object: Value & { t: 'model' }, name: string, node: Syntax): Value {
  const model = object.model;
  if (name === 'name') return str(model.name);
  if (name === 'layers') return seq(model.layers.filter((l) => l.className !== 'InputLayer').map((layer) => ({ t: 'layer', layer }) as Value), true);
  if (name === 'output' || name === 'outputs' || name === 'input' || name === 'inputs') {
    const tree = name.startsWith('output') ? model.outputs : model.inputs;
    if (tree && !Array.isArray(tree) && 'node' in tree) return name.endsWith('s') ? seq([{ t: 'tensor', tensor: tree }], true) : { t: 'tensor', tensor: tree };
    if (Array.isArray(tree)) {
      const items: Value[] = tree.map((t) => (!Array.isArray(t) && 'node' in t ? ({ t: 'tensor', tensor: t } as Value) : unknown(null)));
      return seq(items, true);
    }
    return unknown(null, rangeOf(node));
  }
  return { t: 'method', self: object, name };
}
