/**
 * Classes defined in the file. A `keras.Model` subclass becomes a subclassed model: its
 * `__init__` runs (layers assigned to `self.*` are named in that order, as Keras names
 * them), then `call` is traced once on a symbolic input, which links the layers the way a
 * linear `call` uses them. A `keras.layers.Layer` subclass is a custom layer, read after its
 * `__init__` (customLayers.ts). Other classes are plain objects.
 */
import { callArgs, type CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { customLayerObject, readCustomLayer } from './customLayers';
import { inputLayer } from './inputs';
import type { LayerObj, ModelObj, TensorTree } from '../objects/modelObjects';
import { newModel } from './sequential';
import { field, named, rangeOf } from '../python/syntax';
import {
  asString,
  findMethod,
  seq,
  type ClassValue,
  type FuncValue,
  type InstanceValue,
  type Value,
} from '../objects/values';

type ClassKind = 'model' | 'layer' | 'plain';

function baseKind(v: Value, depth: number): ClassKind {
  if (depth > 8) return 'plain';
  if (v.t === 'class') return classKind(v.cls, depth + 1);
  if (v.t !== 'ref') return 'plain';
  const q = v.qual;
  if (q === 'keras.Model' || q === 'keras.models.Model' || q === 'keras.Sequential' || q === 'keras.models.Sequential')
    return 'model';
  if (q === 'keras.layers.Layer' || q === 'keras.Layer' || /^keras\.layers\.[A-Z]/.test(q)) return 'layer';
  return 'plain';
}

export function classKind(cls: ClassValue, depth = 0): ClassKind {
  for (const base of cls.bases) {
    const k = baseKind(base, depth);
    if (k !== 'plain') return k;
  }
  return 'plain';
}

function layerOfValue(v: Value): LayerObj | null {
  if (v.t === 'layer') return v.layer;
  if (v.t === 'model') return v.model.layer;
  if (v.t === 'instance') return v.inst.model?.layer ?? v.inst.layer;
  return null;
}

export function instantiateClass(ctx: Ctx, cls: ClassValue, args: CallArgs): Value {
  const kind = classKind(cls);
  ctx.instantiated.add(cls.node.id);
  const inst: InstanceValue = { cls, attrs: new Map(), model: null, layer: null };
  const self: Value = { t: 'instance', inst };
  if (kind === 'model') {
    const model = newModel(ctx, 'subclassed', cls.name, asString(args.kw.get('name')) ?? null, args.node);
    model.module = '__main__';
    model.layer.module = '__main__';
    model.subclass = { attrs: [], traced: false };
    inst.model = model;
  } else if (kind === 'layer') {
    inst.layer = customLayerObject(ctx, cls, args);
  }
  const init = findMethod(cls, '__init__');
  if (init) ctx.evaluator.call(init, args, self);
  if (kind === 'model') trace(ctx, inst, args);
  else if (kind === 'layer') readCustomLayer(ctx, inst);
  return self;
}

function trace(ctx: Ctx, inst: InstanceValue, args: CallArgs): void {
  const model = inst.model;
  // A subclass whose __init__ ran Model.__init__(inputs=, outputs=) is functional already.
  if (!model?.subclass || model.subclass.functional) return;
  for (const [attr, v] of inst.attrs) {
    const items = v.t === 'seq' ? v.items : [v];
    for (const item of items) {
      const layer = layerOfValue(item);
      if (layer && !model.subclass.attrs.some(([, l]) => l === layer)) model.subclass.attrs.push([attr, layer]);
    }
  }
  const call = findMethod(inst.cls, 'call');
  if (!call) {
    model.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        `\`${inst.cls.name}\` defines no call(); MaskLens lists its layers in __init__ order but cannot link them.`,
        model.range,
      ),
    );
    return;
  }
  // `history, mask = inputs` in call(): the model takes a tuple of that many tensors.
  const parts = unpackedInputCount(call);
  const tensors = Array.from({ length: parts ?? 1 }, (_, i) => {
    const name = parts === null ? `${model.name}_input` : `${model.name}_input_${i + 1}`;
    const input = inputLayer(ctx, [null, null, null], 'float32', name, null, model.range);
    ctx.layers.splice(ctx.layers.indexOf(input), 1);
    const tensor = input.nodes[0].outputs[0];
    tensor.shape = null;
    // Keras builds a subclass on the data it first meets: not even the rank is known until then.
    input.config.batch_shape = null;
    return tensor;
  });
  const argument: Value =
    parts === null ? { t: 'tensor', tensor: tensors[0] } : seq(tensors.map((tensor) => ({ t: 'tensor', tensor })));
  const layersBefore = new Map(model.subclass.attrs.map(([, l]) => [l, l.nodes.length]));
  ctx.tracing++;
  let result: Value;
  try {
    result = ctx.evaluator.call(call, callArgs(call.node, [argument]), { t: 'instance', inst });
  } finally {
    ctx.tracing--;
  }
  const outputs = tensorTree(result);
  const used = model.subclass.attrs.some(([, l]) => l.nodes.length > (layersBefore.get(l) ?? 0));
  if (outputs && used) {
    model.inputs = parts === null ? tensors[0] : tensors;
    model.outputs = outputs;
    model.subclass.traced = true;
  } else {
    model.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        `MaskLens could not follow \`${inst.cls.name}.call()\` (only a linear call of this class's layers can be traced); its layers are listed in __init__ order and the mask flow through them is a guess.`,
        rangeOf(call.node),
      ),
    );
  }
  void args;
}

/** How many names call() unpacks its input into (`context, x = inputs`), or null when it does not. */
function unpackedInputCount(call: FuncValue): number | null {
  const params = field(call.node, 'parameters');
  const input = params ? named(params)[1] : undefined;
  if (input?.type !== 'identifier') return null;
  const body = field(call.node, 'body');
  for (const statement of body ? named(body) : []) {
    const assignment = statement.type === 'expression_statement' ? named(statement)[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = field(assignment, 'left');
    const right = field(assignment, 'right');
    if (right?.type !== 'identifier' || right.text !== input.text) continue;
    if (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern' && left?.type !== 'list_pattern') return null;
    const names = named(left);
    return names.length > 1 && names.every((n) => n.type === 'identifier') ? names.length : null;
  }
  return null;
}

function tensorTree(v: Value): TensorTree | null {
  if (v.t === 'tensor') return v.tensor;
  if (v.t === 'seq') {
    const items = v.items.map(tensorTree);
    return items.every((i) => i !== null) ? (items as TensorTree[]) : null;
  }
  return null;
}

/**
 * A traced subclassed model learns its input shape from the first data it meets: `model(x)`,
 * `fit(x, ...)`, `evaluate(x, ...)` or `predict(x)` with an array whose shape the source fixes
 * (Keras builds it the same way). Only an input still fully unknown is filled in.
 */
export function learnSubclassInput(model: ModelObj, x: Value | undefined): void {
  if (model.kind !== 'subclassed' || !model.subclass?.traced || x?.t !== 'array') return;
  const input = model.inputs;
  if (!input || Array.isArray(input) || 'dict' in input) return;
  const config = input.node.layer.config;
  const current = config.batch_shape;
  if (
    (current !== null && (!Array.isArray(current) || current.some((d) => d !== null))) ||
    x.shape.length < 1 ||
    x.shape.some((d) => d === null)
  )
    return;
  config.batch_shape = [null, ...x.shape.slice(1)];
  input.shape = [null, ...x.shape.slice(1)];
}
