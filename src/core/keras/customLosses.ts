/**
 * Losses the user's code defines, named in `compile(loss=...)`: a `def loss(y_true, y_pred)`,
 * a closure a factory returns (`make_loss(pad)`), `functools.partial(fn, pad=-1)`, or an
 * instance of a `keras.losses.Loss` subclass (its `call`). Each is translated into the
 * runtime's expression language, as Lambda bodies are; names from the enclosing code, the
 * closure, the partial's keywords and `self.<attribute>` of the instance fold to constants.
 * What cannot be translated is reported where the translation stops.
 */
import type { CustomLossIR } from '../ir';
import type { Ctx } from '../objects/context';
import { field, named, rangeOf, type Syntax } from '../python/syntax';
import { Scope, type ClassValue, type FuncValue, type InstanceValue, type Value } from '../objects/values';
import { translateFunction } from './lambda';
import { translateBlock, Untranslatable, type Env, type SelfRef } from './translate';

/** `keras.losses.Loss` (any alias the imports resolve to it), directly or through same-file bases. */
function derivesFromLoss(cls: ClassValue, depth = 0): boolean {
  if (depth > 8) return false;
  return cls.bases.some(
    (b) =>
      (b.t === 'ref' && /(^|\.)losses\.Loss$/.test(b.qual)) || (b.t === 'class' && derivesFromLoss(b.cls, depth + 1)),
  );
}

/** A method of the class or of a same-file base it derives from. */
export function findMethod(cls: ClassValue, name: string, depth = 0): FuncValue | null {
  const own = cls.methods.get(name);
  if (own) return own;
  if (depth > 8) return null;
  for (const b of cls.bases) {
    if (b.t !== 'class') continue;
    const found = findMethod(b.cls, name, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The parameter names of a def, `self` first for a method. */
export function parameterNames(fn: FuncValue): string[] {
  const list = field(fn.node, 'parameters');
  return (list ? named(list) : []).flatMap((p) => {
    const id =
      p.type === 'identifier'
        ? p.text
        : p.type === 'typed_parameter'
          ? named(p).find((c) => c.type === 'identifier')?.text
          : field(p, 'name')?.text;
    return id ? [id] : [];
  });
}

function problemAt(name: string, error: Untranslatable): CustomLossIR['problem'] {
  return {
    message: `MaskLens cannot translate \`${error.node.text.replace(/\s+/g, ' ').slice(0, 80)}\` in loss '${name}' (${error.message}); evaluate, compare and train cannot run it.`,
    range: rangeOf(error.node),
  };
}

/** The `name` a Keras Loss or Metric instance has: the one given, else its class in snake case. */
export function instanceName(inst: InstanceValue): string {
  const own = inst.attrs.get('name');
  return own?.t === 'str'
    ? own.v
    : inst.cls.name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
        .toLowerCase();
}

/** A `Loss` subclass instance: its `call(self, y_true, y_pred)`, with `self.<attr>` folding to the instance's values. */
function lossObject(ctx: Ctx, inst: InstanceValue, node: Syntax): CustomLossIR {
  const cls = inst.cls;
  // Keras names a Loss by its `name`, by default the class in snake case (`MaskedHuber` → `masked_huber`).
  const name = instanceName(inst);
  const call = findMethod(cls, 'call');
  const range = rangeOf(node);
  if (!call) {
    return {
      name,
      kind: 'loss-class',
      fn: null,
      problem: {
        message: `loss class '${name}' has no call(self, y_true, y_pred) MaskLens can read; evaluate, compare and train cannot run it.`,
        range: rangeOf(cls.node),
      },
      range,
    };
  }
  const [selfName = 'self', ...params] = parameterNames(call);
  const scope = new Scope(cls.scope);
  scope.set(selfName, { t: 'instance', inst });
  const self: SelfRef = {
    name: selfName,
    built: new Set(),
    layers: new Set(),
    layerName: () => null,
    heldLayer: () => null,
    method: (m) => (m === 'call' || m === '__init__' ? null : findMethod(cls, m)),
    addWeightParams: [],
    initializer: () => null,
  };
  const env: Env = { params: params.slice(0, 2), locals: new Map(), fn: call, scope, self, depth: 0 };
  try {
    const body = translateBlock(ctx, named(field(call.node, 'body') ?? call.node), env);
    return {
      name,
      kind: 'loss-class',
      fn: { params: params.slice(0, 2), body, source: call.node.text },
      problem: null,
      range,
    };
  } catch (error) {
    if (error instanceof Untranslatable)
      return { name, kind: 'loss-class', fn: null, problem: problemAt(name, error), range };
    throw error;
  }
}

/** A function (a def, a closure, a lambda, a partial of one: its keywords are constants). */
function lossFunction(ctx: Ctx, fn: FuncValue, node: Syntax): CustomLossIR {
  const t = translateFunction(ctx, fn, 2, `loss '${fn.name}'`);
  return { name: fn.name, kind: 'function', fn: t.fn, problem: t.problem, range: rangeOf(node) };
}

/**
 * The user's own loss, when `compile(loss=...)` names one: null for Keras' own losses (a
 * name or a `keras.losses` object), which the runtime knows by name.
 */
export function customLoss(ctx: Ctx, v: Value | undefined, node: Syntax | undefined): CustomLossIR | null {
  if (!v || !node) return null;
  if (v.t === 'func') return lossFunction(ctx, v.fn, node);
  if (v.t === 'instance' && derivesFromLoss(v.inst.cls)) return lossObject(ctx, v.inst, node);
  return null;
}
