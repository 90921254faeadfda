/**
 * Calls: the one place that decides what calling a value means — a same-file function runs
 * with its arguments, a same-file class is instantiated, a name of the `keras` namespace is
 * handed to the Keras stubs (keras/api.ts), of `numpy` to the NumPy stub, a layer or model
 * called on tensors adds a node, a method goes to its object, and everything else is
 * unknown (its arguments are still read, so layers built inside unknown calls keep Keras'
 * naming order).
 */
import { anyTensor, kwJson, type CallArgs } from '../objects/arguments';
import { arrayMethod, numpyCall, padSequences, pandasReadCsv, reportNanPadding } from '../numpy/arrays';
import { builtin, dictMethod, listMethod } from './builtins';
import { tableDrop } from '../numpy/pandasColumns';
import { MAX_NAME_LENGTH, reportLimit } from '../objects/bounds';
import type { Ctx } from '../objects/context';
import { callFunction, instantiate } from './statements';
import { callKeras, reportTensorOp } from '../keras/api';
import { addWeightInInit, initKerasBase } from '../keras/customLayers';
import { functionalInit } from '../keras/functional';
import { callLayer } from '../keras/layerCall';
import { libraryLayer, opaqueLayer } from '../keras/layers';
import { modelMethod } from '../keras/modelMethods';
import { learnSubclassInput } from '../keras/subclassed';
import { tensorOperation } from '../keras/tensorOps';
import { rangeOf } from '../python/syntax';
import { stringMethod } from './strings';
import { METHOD_CLASS, METHOD_SELF, NONE, unknown, type FuncValue, type Scope, type Value } from '../objects/values';

export function callValue(ctx: Ctx, callee: Value, args: CallArgs, scope: Scope): Value {
  reportNanArguments(ctx, args);
  switch (callee.t) {
    case 'ref':
      if (callee.qual === 'builtins.super') return superOf(args, scope);
      return callRef(ctx, callee.qual, args);
    case 'func':
      return callFunction(
        ctx,
        callee.fn,
        callee.fn.bound ? { ...args, kw: new Map([...callee.fn.bound, ...args.kw]) } : args,
        null,
      );
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
      // `table.to_numpy()`, `X.astype('float32')` of a loaded file: still that file's values (getAttribute).
      if (callee.file) return { ...callee, range: rangeOf(args.node) };
      return unknown(null, rangeOf(args.node));
    default:
      return unknown(null, rangeOf(args.node));
  }
}

function unknownCall(qual: string, args: CallArgs): Value {
  const parts = qual.split('.');
  const className = parts[parts.length - 1] ?? qual;
  const v = unknown(null, rangeOf(args.node));
  if (v.t === 'unknown' && /^[A-Z]/.test(className))
    v.origin = { className, module: parts.slice(0, -1).join('.'), node: args.node, kwargs: kwJson(args) };
  return v;
}

/** `make_data(pad_value=np.nan)`, `fill_value=float('nan')`: padding with NaN, whatever the function. */
function reportNanArguments(ctx: Ctx, args: CallArgs): void {
  for (const [k, v] of args.kw) {
    if (v.t === 'num' && Number.isNaN(v.v) && /pad|fill/i.test(k))
      reportNanPadding(ctx, args.kwNodes.get(k) ?? args.node);
  }
}

/** `functools.partial(fn, key=value)`: the function with those keywords fixed (positional ones are not followed). */
function partial(args: CallArgs): Value {
  const [target, ...rest] = args.pos;
  if (target?.t !== 'func' || rest.length > 0) return unknown(null, rangeOf(args.node));
  return { t: 'func', fn: { ...target.fn, bound: new Map([...(target.fn.bound ?? []), ...args.kw]) } };
}

function callRef(ctx: Ctx, qual: string, args: CallArgs): Value {
  if (qual.startsWith('builtins.')) return builtin(ctx, qual.slice('builtins.'.length), args);
  const operation = anyTensor(args) ? tensorOperation(ctx, qual, args) : null;
  if (operation) return operation;
  if (qual.startsWith('numpy.')) return numpyCall(ctx, qual, args) ?? unknown(null, rangeOf(args.node));
  if (qual === 'pandas.read_csv') return pandasReadCsv(args);
  if (qual === 'keras.utils.pad_sequences') return padSequences(ctx, args);
  if (qual === 'functools.partial') return partial(args);
  if (!qual.startsWith('keras.')) {
    const library = libraryLayer(ctx, qual, args);
    if (library) return library;
    if (qual.startsWith('tensorflow.') && anyTensor(args)) reportTensorOp(ctx, qual, args);
    return qual.startsWith('tensorflow.') || qual.startsWith('numpy.')
      ? unknown(null, rangeOf(args.node))
      : unknownCall(qual, args);
  }
  return callKeras(ctx, qual, boundedName(ctx, args));
}

/**
 * Keras' own objects' names, bounded. Names are compared again and again as a model is read
 * and analysed; a thousand layers named with a million characters each, alike but for the end,
 * took minutes of comparing. A longer name is read as none: the object gets the name Keras
 * gives one without, and the warning says so.
 */
function boundedName(ctx: Ctx, args: CallArgs): CallArgs {
  const name = args.kw.get('name');
  if (name?.t !== 'str' || name.v.length <= MAX_NAME_LENGTH) return args;
  reportLimit(
    ctx,
    args.kwNameNodes.get('name') ?? args.node,
    `this name is longer than ${MAX_NAME_LENGTH.toLocaleString('en-US')} characters`,
    'MaskLens names the object as Keras names one given no name',
  );
  return { ...args, kw: new Map([...args.kw].filter(([k]) => k !== 'name')) };
}

/**
 * `super()` / `super(Cls, self)` in a method: the instance seen from the classes after the
 * defining one (the method's own class, not the instance's, so a base's `super()` goes on up).
 */
function superOf(args: CallArgs, scope: Scope): Value {
  const [given, givenSelf] = args.pos;
  const owner = given?.t === 'class' ? given : scope.get(METHOD_CLASS);
  const self = givenSelf ?? scope.get(METHOD_SELF);
  if (self?.t !== 'instance') return unknown(null, rangeOf(args.node));
  return { t: 'super', inst: self.inst, after: owner?.t === 'class' ? owner.cls : null };
}

/**
 * A method reached through `super()`: a same-file base class's, run on the instance; else
 * Keras' own — `Layer.__init__` builds a Keras base layer's config and `add_weight` records a
 * weight (customLayers.ts), `Model.__init__(inputs=, outputs=)` makes a subclass a functional
 * model, `compile`/`fit`/... are the model's methods; the rest do nothing the reader follows.
 */
function callSuper(ctx: Ctx, sup: Value & { t: 'super' }, name: string, args: CallArgs): Value {
  const self: Value = { t: 'instance', inst: sup.inst };
  const start = sup.after ?? sup.inst.cls;
  for (const base of start.bases) {
    if (base.t !== 'class') continue;
    const method = findClassMethod(base.cls, name);
    if (method) return callFunction(ctx, method, args, self);
  }
  const inst = sup.inst;
  if (inst.layer && name === '__init__') return initKerasBase(ctx, inst, args);
  if (inst.layer && name === 'add_weight') return addWeightInInit(ctx, inst, args) ?? unknown(null, rangeOf(args.node));
  const model = inst.model;
  if (!model) {
    if (name !== '__init__') return unknown(null, rangeOf(args.node));
    // Keras' Loss and Metric bases keep the `name=` they are given as `self.name`.
    const given = args.kw.get('name');
    if (given?.t === 'str' && !inst.attrs.has('name')) inst.attrs.set('name', given);
    return NONE;
  }
  if (name === '__init__') {
    functionalInit(ctx, model, args);
    return NONE;
  }
  return modelMethod(ctx, model, name, args);
}

function callMethod(ctx: Ctx, self: Value, name: string, args: CallArgs, scope: Scope): Value {
  switch (self.t) {
    case 'super':
      return callSuper(ctx, self, name, args);
    case 'model':
      return modelMethod(ctx, self.model, name, args);
    case 'instance': {
      const inst = self.inst;
      const own = inst.attrs.get(name);
      if (own) return callValue(ctx, own, args, scope);
      const method = findClassMethod(inst.cls, name);
      if (method) return callFunction(ctx, method, args, self);
      if (name === 'add_weight' && inst.layer)
        return addWeightInInit(ctx, inst, args) ?? unknown(null, rangeOf(args.node));
      if (name === '__init__' && inst.layer) return initKerasBase(ctx, inst, args);
      if (inst.model) return modelMethod(ctx, inst.model, name, args);
      return unknown(null, rangeOf(args.node));
    }
    case 'seq':
      return listMethod(ctx, self, name, args);
    case 'dict':
      return dictMethod(ctx, self, name, args);
    case 'array':
      return arrayMethod(self, name, args);
    case 'str':
      return stringMethod(ctx, self.v, name, args);
    case 'unknown': {
      // `df.drop(columns=[...])` of a loaded table (getAttribute hands over no other method).
      const range = rangeOf(args.node);
      const file = self.file && name === 'drop' ? tableDrop(self.file, args, range.start.line + 1) : null;
      return file ? { t: 'unknown', key: null, range, file } : unknown(null, range);
    }
    default:
      return unknown(null, rangeOf(args.node));
  }
}

function findClassMethod(cls: Parameters<typeof instantiate>[1], name: string): FuncValue | null {
  const own = cls.methods.get(name);
  if (own) return own;
  for (const base of cls.bases)
    if (base.t === 'class') {
      const hit = findClassMethod(base.cls, name);
      if (hit) return hit;
    }
  return null;
}
