/**
 * Calls: the one place that decides what calling a value means — a Keras class builds a
 * layer or model, a layer called on tensors adds a node, `model.add` grows a Sequential, a
 * same-file function runs with its arguments, and everything else is unknown (its
 * arguments are still read, so layers built inside unknown calls keep Keras' naming order).
 */
import { arrayMethod, numpyCall, padSequences, reportNanPadding } from './arrays';
import { CLASS_ALIASES, MERGE_HELPERS } from '../layers/index';
import type { Ctx } from './context';
import { anyTensor, kwJson, posJson, type CallArgs } from './arguments';
import { callFunction, instantiate } from './interpreter';
import { constraint, constraintCall, dtypePolicy, initializer, initializerClass, kerasObject, optimizerClass, regularizer, regularizerCall } from '../layers/kerasObjects';
import { constructInputLayer, makeInput } from './inputs';
import { callLayer } from './layerCall';
import { constructLayer, newLayer } from './layers';
import { modelMethod } from './modelMethods';
import { newFunctional } from './functional';
import { newSequential } from './sequential';
import { learnSubclassInput } from './subclassed';
import { rangeOf } from './syntax';
import type { LayerObj } from './objects';
import { asInt, asNumber, asString, bool, iterate, NONE, num, seq, str, truthy, unknown, type Scope, type UnknownCall, type Value } from './values';

export function callValue(ctx: Ctx, callee: Value, args: CallArgs, scope: Scope): Value {
  reportNanArguments(ctx, args);
  switch (callee.t) {
    case 'ref':
      return callRef(ctx, callee.qual, args);
    case 'func':
      return callFunction(ctx, callee.fn, args, null);
    case 'class':
      return instantiate(ctx, callee.cls, args);
    case 'method':
      return callMethod(ctx, callee.self, callee.name, args, scope);
    case 'layer':
      return callLayer(ctx, callee.layer, args);
    case 'model':
      return callLayer(ctx, callee.model.layer, args);
    case 'instance': {
      const inst = callee.inst;
      if (inst.model) {
        learnSubclassInput(inst.model, args.pos[0]);
        return callLayer(ctx, inst.model.layer, args);
      }
      if (inst.layer) return callLayer(ctx, inst.layer, args);
      return unknown(null, rangeOf(args.node));
    }
    case 'unknown':
      // An object of an unknown class called on Keras tensors is a layer MaskLens does not know.
      if (callee.origin && anyTensor(args)) return callLayer(ctx, opaqueLayer(ctx, callee.origin), args);
      return unknown(null, rangeOf(args.node));
    default:
      return unknown(null, rangeOf(args.node));
  }
}

/** The opaque layer an unknown class's instance becomes once it is used as a layer. */
export function opaqueLayer(ctx: Ctx, origin: UnknownCall): LayerObj {
  if (origin.layer) return origin.layer;
  const layer = newLayer(ctx, origin.className, origin.node, false);
  layer.module = origin.module;
  layer.config = { name: typeof origin.kwargs.name === 'string' ? origin.kwargs.name : ctx.namer.layer(origin.className), trainable: true, dtype: dtypePolicy('float32'), ...origin.kwargs };
  layer.diagnostics.push(
    ctx.diag('unknown-layer', 'information', `MaskLens cannot see \`${origin.className}\` (from ${origin.module || 'outside this file'}): it is kept as an opaque layer, and its mask behaviour is not known (treated as not supporting masks).`, rangeOf(origin.node)),
  );
  origin.layer = layer;
  return layer;
}

function unknownCall(qual: string, args: CallArgs): Value {
  const parts = qual.split('.');
  const className = parts[parts.length - 1] ?? qual;
  const v = unknown(null, rangeOf(args.node));
  if (v.t === 'unknown' && /^[A-Z]/.test(className)) v.origin = { className, module: parts.slice(0, -1).join('.'), node: args.node, kwargs: kwJson(args) };
  return v;
}

/** `make_data(pad_value=np.nan)`, `fill_value=float('nan')`: padding with NaN, whatever the function. */
function reportNanArguments(ctx: Ctx, args: CallArgs): void {
  for (const [k, v] of args.kw) {
    if (v.t === 'num' && Number.isNaN(v.v) && /pad|fill/i.test(k)) reportNanPadding(ctx, args.kwNodes.get(k) ?? args.node);
  }
}

function builtin(ctx: Ctx, name: string, args: CallArgs): Value {
  const p0 = args.pos[0];
  switch (name) {
    case 'len': {
      if (p0?.t === 'seq') return num(p0.items.length);
      if (p0?.t === 'str') return num(p0.v.length);
      if (p0?.t === 'dict') return num(p0.keys.length);
      if (p0?.t === 'array' && typeof p0.shape[0] === 'number') return num(p0.shape[0]);
      return unknown(args.node.text.replace(/\s+/g, ''), rangeOf(args.node));
    }
    case 'range': {
      const n = args.pos.map(asInt);
      if (n.length === 0 || n.some((x) => x === null)) return unknown(null, rangeOf(args.node));
      const [start, stop, step] = n.length === 1 ? [0, n[0] as number, 1] : [n[0] as number, n[1] as number, (n[2] ?? 1) as number];
      if (step === 0) return unknown(null);
      const length = Math.max(0, Math.ceil((stop - start) / step));
      if (length > 10_000) return unknown(null, rangeOf(args.node));
      return seq(Array.from({ length }, (_, i) => num(start + i * step)), true);
    }
    case 'int': {
      const x = asNumber(p0);
      if (x !== null) return num(Math.trunc(x), true);
      const s = asString(p0);
      return s !== null && /^\s*-?\d+\s*$/.test(s) ? num(parseInt(s, 10), true) : unknown(null, rangeOf(args.node));
    }
    case 'float': {
      const x = asNumber(p0);
      if (x !== null) return num(x, false);
      const s = asString(p0)?.trim().toLowerCase();
      if (s === 'nan' || s === '-nan') return num(NaN, false);
      if (s === 'inf' || s === '+inf' || s === 'infinity') return num(Infinity, false);
      if (s === '-inf' || s === '-infinity') return num(-Infinity, false);
      return s !== undefined && s !== '' && !Number.isNaN(Number(s)) ? num(Number(s), false) : unknown(null, rangeOf(args.node));
    }
    case 'bool': {
      const t = p0 ? truthy(p0) : false;
      return t === null ? unknown(null) : bool(t);
    }
    case 'str':
      return p0?.t === 'str' ? p0 : unknown(null);
    case 'tuple':
    case 'list': {
      if (!p0) return seq([], name === 'list');
      const items = iterate(p0);
      return items ? seq([...items], name === 'list') : unknown(null, rangeOf(args.node));
    }
    case 'min':
    case 'max':
    case 'sum': {
      const items = args.pos.length === 1 ? iterate(p0) : args.pos;
      const nums = items?.map(asNumber);
      if (!nums || nums.length === 0 || nums.some((x) => x === null)) return unknown(null, rangeOf(args.node));
      const xs = nums as number[];
      const v = name === 'min' ? Math.min(...xs) : name === 'max' ? Math.max(...xs) : xs.reduce((a, b) => a + b, 0);
      return num(v);
    }
    case 'abs': {
      const x = asNumber(p0);
      return x === null ? unknown(null) : num(Math.abs(x));
    }
    case 'round': {
      const x = asNumber(p0);
      return x === null ? unknown(null) : num(Math.round(x));
    }
    case 'dict': {
      const keys: Value[] = [];
      const values: Value[] = [];
      for (const [k, v] of args.kw) {
        keys.push(str(k));
        values.push(v);
      }
      return { t: 'dict', keys, values };
    }
    case 'zip': {
      const lists = args.pos.map(iterate);
      if (lists.some((l) => l === null)) return unknown(null);
      const n = Math.min(...(lists as Value[][]).map((l) => l.length));
      return seq(Array.from({ length: n }, (_, i) => seq((lists as Value[][]).map((l) => l[i]))), true);
    }
    case 'enumerate': {
      const items = p0 ? iterate(p0) : null;
      return items ? seq(items.map((v, i) => seq([num(i), v])), true) : unknown(null);
    }
    case 'reversed':
    case 'sorted': {
      const items = p0 ? iterate(p0) : null;
      return items && name === 'reversed' ? seq([...items].reverse(), true) : unknown(null);
    }
    case 'print':
      return NONE;
    default:
      void ctx;
      return unknown(null, rangeOf(args.node));
  }
}

function callRef(ctx: Ctx, qual: string, args: CallArgs): Value {
  if (qual.startsWith('builtins.')) return builtin(ctx, qual.slice('builtins.'.length), args);
  if (qual.startsWith('numpy.')) return numpyCall(ctx, qual, args) ?? unknown(null, rangeOf(args.node));
  if (qual === 'keras.utils.pad_sequences') return padSequences(ctx, args);
  if (!qual.startsWith('keras.')) {
    if (qual.startsWith('tensorflow.') && anyTensor(args)) reportTensorOp(ctx, qual, args);
    return qual.startsWith('tensorflow.') || qual.startsWith('numpy.') ? unknown(null, rangeOf(args.node)) : unknownCall(qual, args);
  }
  const parts = qual.split('.');
  const last = parts[parts.length - 1];
  const ns = parts.slice(1, -1).join('.');
  if ((ns === '' || ns === 'layers') && last === 'Input') return makeInput(ctx, args);
  if ((ns === '' || ns === 'layers') && last === 'InputLayer') return constructInputLayer(ctx, args);
  if ((ns === '' || ns === 'models') && last === 'Sequential') return newSequential(ctx, args);
  if ((ns === '' || ns === 'models') && (last === 'Model' || last === 'Functional')) return newFunctional(ctx, args);
  if (ns === 'layers') {
    if (last in MERGE_HELPERS) {
      const layerArgs: CallArgs = { ...args, pos: [], posNodes: [], kw: new Map([...args.kw].filter(([k]) => k !== 'inputs')) };
      const layer = constructLayer(ctx, MERGE_HELPERS[last], layerArgs);
      const inputs = args.pos[0] ?? args.kw.get('inputs');
      const callArgs: CallArgs = { ...args, pos: inputs ? [inputs] : [], posNodes: args.posNodes.slice(0, 1), kw: new Map(), kwNodes: new Map(), kwNameNodes: new Map() };
      return callLayer(ctx, layer, callArgs);
    }
    if (/^[A-Z]/.test(last)) return { t: 'layer', layer: constructLayer(ctx, Object.hasOwn(CLASS_ALIASES, last) ? CLASS_ALIASES[last] : last, args) };
    return unknown(null, rangeOf(args.node));
  }
  if (ns === 'initializers') {
    const j = /^[A-Z]/.test(last) ? initializerClass(last, kwJson(args)) : initializer(last);
    return j ? { t: 'json', value: j, className: last } : unknown(null);
  }
  if (ns === 'regularizers') {
    const j = regularizerCall(last, posJson(args), kwJson(args)) ?? regularizer(last);
    return j ? { t: 'json', value: j, className: last } : unknown(null);
  }
  if (ns === 'constraints') {
    const j = constraintCall(last, posJson(args), kwJson(args)) ?? constraint(last);
    return j ? { t: 'json', value: j, className: last } : unknown(null);
  }
  if (ns === 'optimizers' || ns.startsWith('optimizers.')) {
    const cls = optimizerClass(last) ?? last;
    return { t: 'json', value: kerasObject('keras.optimizers', cls, kwJson(args)), className: cls };
  }
  if (ns === 'losses' && /^[A-Z]/.test(last)) {
    return { t: 'json', value: kerasObject('keras.losses', last, kwJson(args)), className: last };
  }
  if (ns === 'models' && (last === 'load_model' || last === 'model_from_json')) {
    ctx.report('unsupported-construct', 'information', `\`${last}\` loads a model MaskLens cannot read from source; open its config (a .keras file's config.json) to analyse it.`, rangeOf(args.node));
    return unknown(null, rangeOf(args.node));
  }
  if ((ns === 'backend' || ns === 'ops' || ns.startsWith('ops.')) && anyTensor(args)) reportTensorOp(ctx, qual, args);
  return unknown(null, rangeOf(args.node));
}

function reportTensorOp(ctx: Ctx, qual: string, args: CallArgs): void {
  ctx.report(
    'unsupported-construct',
    'information',
    `\`${qual}\` applied directly to a symbolic Keras tensor becomes a Keras operation that MaskLens does not model; the mask is not followed through it. Wrap it in a Lambda layer (with mask=) to make the mask flow explicit.`,
    rangeOf(args.node),
  );
}

function callMethod(ctx: Ctx, self: Value, name: string, args: CallArgs, scope: Scope): Value {
  switch (self.t) {
    case 'model':
      return modelMethod(ctx, self.model, name, args);
    case 'instance': {
      const inst = self.inst;
      const own = inst.attrs.get(name);
      if (own) return callValue(ctx, own, args, scope);
      const method = findClassMethod(inst.cls, name);
      if (method) return callFunction(ctx, method, args, self);
      if (inst.model) return modelMethod(ctx, inst.model, name, args);
      return unknown(null, rangeOf(args.node));
    }
    case 'seq':
      return listMethod(self, name, args);
    case 'dict':
      return dictMethod(self, name, args);
    case 'array':
      return arrayMethod(self, name, args);
    default:
      return unknown(null, rangeOf(args.node));
  }
}

function findClassMethod(cls: Parameters<typeof instantiate>[1], name: string): import('./values').FuncValue | null {
  const own = cls.methods.get(name);
  if (own) return own;
  for (const base of cls.bases) if (base.t === 'class') {
    const hit = findClassMethod(base.cls, name);
    if (hit) return hit;
  }
  return null;
}

function listMethod(self: Value & { t: 'seq' }, name: string, args: CallArgs): Value {
  switch (name) {
    case 'append':
      if (args.pos[0]) self.items.push(args.pos[0]);
      return NONE;
    case 'extend': {
      const items = args.pos[0] ? iterate(args.pos[0]) : null;
      if (items) self.items.push(...items);
      return NONE;
    }
    case 'insert': {
      const at = asInt(args.pos[0]);
      if (at !== null && args.pos[1]) self.items.splice(at, 0, args.pos[1]);
      return NONE;
    }
    case 'pop': {
      const at = args.pos[0] ? asInt(args.pos[0]) : -1;
      if (at === null || self.items.length === 0) return unknown(null);
      return self.items.splice(at < 0 ? self.items.length + at : at, 1)[0] ?? unknown(null);
    }
    case 'copy':
      return seq([...self.items], self.list);
    case 'index':
    case 'count':
    default:
      return unknown(null);
  }
}

function dictMethod(self: Value & { t: 'dict' }, name: string, args: CallArgs): Value {
  switch (name) {
    case 'get': {
      const key = args.pos[0];
      const i = key ? self.keys.findIndex((k) => k.t === 'str' && key.t === 'str' && k.v === key.v) : -1;
      return i >= 0 ? self.values[i] : (args.pos[1] ?? NONE);
    }
    case 'keys':
      return seq([...self.keys], true);
    case 'values':
      return seq([...self.values], true);
    case 'items':
      return seq(self.keys.map((k, i) => seq([k, self.values[i]])), true);
    default:
      return unknown(null);
  }
}
