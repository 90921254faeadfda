/**
 * Layer classes the user's code defines (`class X(keras.layers.Layer)`, any import
 * spelling, or a class deriving from one). One instance is read after its `__init__` ran:
 * Keras' `supports_masking` for it (an instance attribute set in `__init__`, else a class
 * attribute, else true where `compute_mask` is overridden), whether `call` takes `mask=`, and
 * its methods translated into the Lambda expression language (translate.ts) so the analysis
 * can follow the mask through them and the runtime can run them: `compute_mask`, `call`,
 * `build` (and `add_weight` in `__init__`), with the layers it holds. What cannot be
 * translated is said once, at the code that stops it.
 */
import type { CallArgs } from '../objects/arguments';
import type { BuildStep, JsonValue, LambdaExpr, LambdaFunction, Unreadable } from '../ir';
import type { Ctx } from '../objects/context';
import { dtypePolicy, initializer, snake } from '../layers/kerasObjects';
import { constructLayer, newLayer } from './layers';
import { CLASS_ALIASES, layerEntry } from '../layers/index';
import type { CustomLayerObj, LayerObj } from '../objects/modelObjects';
import { field, named, rangeOf, stringValue, type Syntax } from '../python/syntax';
import {
  asString,
  findMethod,
  Scope,
  toJson,
  type ClassValue,
  type FuncValue,
  type InstanceValue,
  type Value,
} from '../objects/values';
import { splitPartCount } from '../runtime/splitSizes';
import { translateBlock, Untranslatable, type Env, type SelfRef } from './translate';

/** `add_weight`'s parameters in order: Keras 3 starts with `shape`, tf.keras with `name`. */
const ADD_WEIGHT_PARAMS = {
  keras3: [
    'shape',
    'initializer',
    'dtype',
    'trainable',
    'autocast',
    'regularizer',
    'constraint',
    'aggregation',
    'overwrite_with_gradient',
    'name',
  ],
  'tf-keras2': ['name', 'shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'constraint'],
} as const;

/** Weights made by `self.add_weight(...)` while `__init__` runs, by the value it returned. */
const initWeights = new WeakMap<object, LambdaExpr>();

/** The Keras layer class a custom layer derives from, once its config was built from `super().__init__(...)`. */
const kerasBases = new WeakMap<LayerObj, string>();

/** The Keras layer class (`LSTM`) a class derives from, directly or through same-file classes; null for `Layer` itself. */
function kerasBaseOf(cls: ClassValue, depth = 0): string | null {
  for (const base of cls.bases) {
    if (base.t === 'class' && depth < 8) {
      const hit = kerasBaseOf(base.cls, depth + 1);
      if (hit) return hit;
    }
    if (base.t === 'ref' && /^keras\.layers\.[A-Z]/.test(base.qual)) {
      const name = base.qual.slice('keras.layers.'.length);
      const canonical = Object.hasOwn(CLASS_ALIASES, name) ? CLASS_ALIASES[name] : name;
      if (layerEntry(canonical)) return canonical;
    }
  }
  return null;
}

/** The config a Keras base class writes for these constructor arguments, under the custom layer's own name. */
function baseConfig(ctx: Ctx, base: string, layer: LayerObj, args: CallArgs): void {
  const named = new Map(args.kw);
  named.set('name', { t: 'str', v: String(layer.config.name) });
  const built = constructLayer(ctx, base, { ...args, kw: named });
  ctx.layers.splice(ctx.layers.indexOf(built), 1);
  layer.config = built.config;
  layer.argRanges = built.argRanges;
  layer.argSyntax = built.argSyntax;
  layer.inputShape = built.inputShape;
  layer.inner = built.inner;
  kerasBases.set(layer, base);
}

/** `super().__init__(...)` reaching Keras' own class: a Keras layer base class builds its config from the arguments. */
export function initKerasBase(ctx: Ctx, inst: InstanceValue, args: CallArgs): Value {
  const layer = inst.layer;
  const base = kerasBaseOf(inst.cls);
  if (layer && base && !kerasBases.has(layer)) baseConfig(ctx, base, layer, args);
  return { t: 'none' };
}

/** The layer object of a custom class' instance, named before its `__init__` runs (Keras names it in `Layer.__init__`). */
export function customLayerObject(ctx: Ctx, cls: ClassValue, args: CallArgs): LayerObj {
  const layer = newLayer(ctx, cls.name, args.node, false);
  layer.module = '__main__';
  layer.config = {
    name: asString(args.kw.get('name')) ?? ctx.namer.layer(cls.name),
    trainable: true,
    dtype: dtypePolicy('float32'),
  };
  const init = findMethod(cls, '__init__');
  const base = kerasBaseOf(cls);
  if (base && !init) {
    // `class MyLSTM(LSTM): ...` without its own __init__: Keras' class takes the arguments.
    baseConfig(ctx, base, layer, args);
    return layer;
  }
  // Keras 3 writes the constructor's arguments into the config, positional ones under their names
  // (a class without an __init__ of its own: Layer.__init__'s).
  if (!init && ctx.family === 'keras3') Object.assign(layer.config, { activity_regularizer: null, autocast: true });
  const names = init ? parameterNames(init).slice(1) : [];
  args.pos.forEach((v, i) => {
    const j = toJson(v);
    const key = names[i];
    if (key && j !== undefined) layer.config[key] = j;
  });
  for (const [k, v] of args.kw) {
    const j = toJson(v);
    if (k !== 'name' && j !== undefined) layer.config[k] = j;
  }
  return layer;
}

function parameterNames(fn: FuncValue): string[] {
  const list = field(fn.node, 'parameters');
  return (list ? named(list) : []).flatMap((p) => {
    if (p.type === 'identifier') return [p.text];
    const name =
      p.type === 'typed_parameter' ? named(p).find((c) => c.type === 'identifier')?.text : field(p, 'name')?.text;
    return name &&
      (p.type === 'default_parameter' || p.type === 'typed_default_parameter' || p.type === 'typed_parameter')
      ? [name]
      : [];
  });
}

/** `self.add_weight(...)` inside `__init__`: a weight of constant shape, created with the layer. */
export function addWeightInInit(ctx: Ctx, inst: InstanceValue, args: CallArgs): Value | null {
  if (!inst.layer) return null;
  const order = ADD_WEIGHT_PARAMS[ctx.family];
  const given = new Map<string, Value>(args.kw);
  args.pos.forEach((v, i) => {
    const key = order[i];
    if (key) given.set(key, v);
  });
  const shape = toJson(given.get('shape') ?? { t: 'none' });
  const dims = Array.isArray(shape) ? shape : typeof shape === 'number' ? [shape] : null;
  const value: Value = { t: 'json', value: { class_name: 'Variable', config: { shape: dims } }, className: 'Variable' };
  if (!dims || !dims.every((d) => typeof d === 'number')) return value;
  const kwargs: Record<string, LambdaExpr | JsonValue> = {
    shape: { op: 'call', fn: 'tuple', args: dims.map((d) => ({ op: 'const', value: d as number })), kwargs: {} },
  };
  const init = given.get('initializer');
  if (init) kwargs.initializer = initializerJson(init, args.kwNodes.get('initializer') ?? null);
  for (const key of ['name', 'trainable']) {
    const j = toJson(given.get(key) ?? { t: 'none' });
    if (j !== null && j !== undefined) kwargs[key] = j;
  }
  initWeights.set(value, { op: 'call', fn: 'add_weight', args: [], kwargs });
  return value;
}

/** An initializer argument as the runtime takes it: Keras' serialised form, or null for `add_weight`'s default (glorot_uniform). */
function initializerJson(v: Value, node: Syntax | null): JsonValue {
  if (v.t === 'str') return initializer(v.v) ?? v.v;
  if (v.t === 'json') return v.value;
  if (v.t === 'ref') return initializer(snake(v.qual.slice(v.qual.lastIndexOf('.') + 1))) ?? null;
  // `initializers.get('glorot_uniform')` written at the argument.
  const first = node?.type === 'call' ? named(field(node, 'arguments') ?? node)[0] : undefined;
  const name = first ? stringValue(first) : null;
  return name ? (initializer(name) ?? null) : null;
}

function layerOf(v: Value): LayerObj | null {
  if (v.t === 'layer') return v.layer;
  if (v.t === 'model') return v.model.layer;
  if (v.t === 'instance') return v.inst.model?.layer ?? v.inst.layer;
  return null;
}

/** A class-level `supports_masking = ...` in the class or a same-file base (nearest first). */
function classAttribute(ctx: Ctx, cls: ClassValue, name: string, depth = 0): boolean | null {
  for (const stmt of named(field(cls.node, 'body') ?? cls.node)) {
    const inner = stmt.type === 'expression_statement' ? named(stmt)[0] : null;
    if (inner?.type !== 'assignment' || field(inner, 'left')?.text !== name) continue;
    const v = ctx.evaluator.evaluate(field(inner, 'right'), cls.scope);
    if (v.t === 'bool') return v.v;
  }
  if (depth > 8) return null;
  for (const base of cls.bases) {
    if (base.t !== 'class') continue;
    const hit = classAttribute(ctx, base.cls, name, depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}

function unreadable(error: Untranslatable, what: string): Unreadable {
  return {
    kind: 'unreadable',
    reason: `${what} stops at \`${error.node.text.replace(/\s+/g, ' ').slice(0, 80)}\` (${error.message})`,
    range: rangeOf(error.node),
  };
}

interface Method {
  fn: FuncValue;
  /** The parameter names after `self`. */
  params: string[];
  defaults: Map<string, Syntax>;
  selfName: string;
  /** The `*args` parameter, if the method has one. */
  star: string | null;
}

function method(cls: ClassValue, name: string): Method | null {
  const fn = findMethod(cls, name);
  const list = fn ? field(fn.node, 'parameters') : null;
  if (!fn || !list) return null;
  const params: string[] = [];
  const defaults = new Map<string, Syntax>();
  let star: string | null = null;
  for (const p of named(list)) {
    if (p.type === 'list_splat_pattern') star = named(p)[0]?.text ?? null;
    const id =
      p.type === 'identifier'
        ? p.text
        : p.type === 'typed_parameter'
          ? named(p).find((c) => c.type === 'identifier')?.text
          : field(p, 'name')?.text;
    if (!id) continue;
    params.push(id);
    const value = field(p, 'value');
    if (value) defaults.set(id, value);
  }
  const [selfName, ...rest] = params;
  return { fn, params: rest, defaults, selfName: selfName ?? 'self', star };
}

/**
 * Translates one method: `positional` are the parameter names the runtime binds in order
 * (a name may be absent from the method, then it is never read); other parameters read
 * their defaults.
 */
function translateMethod(
  ctx: Ctx,
  m: Method,
  positional: string[],
  scope: Scope,
  self: SelfRef,
  onSelfAssign?: (attr: string, value: LambdaExpr, node: Syntax) => void,
): LambdaFunction {
  // Slots no named parameter takes go to `*args`, which the method may pass on whole.
  const starSlots = positional.filter((p) => p.startsWith(STAR_SLOT));
  const env: Env = {
    params: positional,
    locals: new Map(),
    fn: m.fn,
    scope,
    self: { ...self, name: m.selfName },
    depth: 0,
    ...(m.star && starSlots.length > 0 ? { star: { name: m.star, slots: starSlots } } : {}),
  };
  for (const p of m.params) {
    const fallback = m.defaults.get(p);
    if (!positional.includes(p) && fallback) env.locals.set(p, translateBlockValue(ctx, fallback, env));
  }
  const body = translateBlock(ctx, named(field(m.fn.node, 'body') ?? m.fn.node), env, onSelfAssign);
  return { params: positional, body, source: m.fn.node.text };
}

function translateBlockValue(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  const v = ctx.evaluator.evaluate(node, env.scope);
  const j = toJson(v);
  if (typeof j === 'number' || typeof j === 'boolean' || j === null) return { op: 'const', value: j };
  throw new Untranslatable('a default MaskLens cannot read', node);
}

/** A name no Python parameter can have: a parameter slot the method does not declare. */
const ABSENT = (slot: string) => `<no ${slot} parameter>`;
/** A slot the method takes in its `*args` (no Python parameter has this name either). */
const STAR_SLOT = '<*args ';

/** The method's parameter for Keras' `index`-th positional argument: a named one, else `*args`, else none. */
function slot(m: Method, index: number, name: string): string {
  const param = m.params[index];
  if (param !== undefined) return param;
  return m.star && m.params.length <= index ? `${STAR_SLOT}${index}>` : ABSENT(name);
}

/** Reads one instance of a custom layer class once its `__init__` has run. */
export function readCustomLayer(ctx: Ctx, inst: InstanceValue): void {
  const layer = inst.layer;
  if (!layer) return;
  const cls = inst.cls;
  const scope = new Scope(cls.scope);
  scope.set('self', { t: 'instance', inst });
  const sublayers: [string, LayerObj][] = [];
  const build: BuildStep[] = [];
  for (const [attr, v] of inst.attrs) {
    const held = layerOf(v);
    if (held && held !== layer) sublayers.push([attr, held]);
    // A list of layers (`self.blocks = [Block() for _ in range(n)]`): Keras tracks its items in order.
    if (v.t === 'seq')
      v.items.forEach((item, i) => {
        const inList = layerOf(item);
        if (inList && inList !== layer) sublayers.push([`${attr}[${i}]`, inList]);
      });
    const weight = initWeights.get(v);
    if (weight) build.push({ attr, value: weight });
  }
  const built = new Set(build.map((s) => s.attr));
  const self: SelfRef = {
    name: 'self',
    built,
    layers: new Set(sublayers.map(([attr]) => attr)),
    layerName: (v) => {
      const held = layerOf(v);
      return sublayers.find(([, l]) => l === held)?.[0] ?? null;
    },
    method: (name) => (['call', 'build', 'compute_mask', '__init__'].includes(name) ? null : findMethod(cls, name)),
    heldLayer: (attr) => {
      const held = sublayers.find(([a]) => a === attr)?.[1];
      return held ? { className: held.className, module: held.module, config: held.config } : null;
    },
    addWeightParams: ADD_WEIGHT_PARAMS[ctx.family],
    initializer: initializerJson,
  };

  const own = inst.attrs.get('supports_masking');
  const fromClass = classAttribute(ctx, cls, 'supports_masking');
  const computeMethod = method(cls, 'compute_mask');
  const [supportsMasking, supportsMaskingFrom]: [boolean, CustomLayerObj['supportsMaskingFrom']] =
    own?.t === 'bool'
      ? [own.v, '__init__']
      : fromClass !== null
        ? [fromClass, 'class attribute']
        : computeMethod
          ? [true, 'compute_mask']
          : [false, 'default'];

  const buildMethod = method(cls, 'build');
  let buildProblem: Unreadable | null = null;
  if (buildMethod) {
    try {
      translateMethod(
        ctx,
        buildMethod,
        [buildMethod.params[0] ?? ABSENT('input_shape')],
        scope,
        self,
        (attr, value) => {
          build.push({ attr, value });
          built.add(attr);
        },
      );
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error;
      buildProblem = unreadable(error, 'build()');
    }
  }

  const callMethod = method(cls, 'call');
  const callTakesMask = callMethod?.params.includes('mask') ?? false;
  let call: CustomLayerObj['call'];
  if (!callMethod)
    call = {
      kind: 'unreadable',
      reason: `${cls.name} defines no call()`,
      range: rangeOf(cls.node),
      mayReturnMasked: false,
    };
  else if (buildProblem) call = { ...buildProblem, mayReturnMasked: mayReturnMasked(callMethod, self) };
  else {
    // The tensors `call` takes positionally, then the mask and training flag Keras passes by name.
    const tensors = callMethod.params.filter((p) => !callMethod.defaults.has(p) && p !== 'mask' && p !== 'training');
    const positional = [
      ...(tensors.length > 0 ? tensors : [ABSENT('inputs')]),
      callTakesMask ? 'mask' : ABSENT('mask'),
      callMethod.params.includes('training') ? 'training' : ABSENT('training'),
    ];
    try {
      call = { kind: 'function', fn: translateMethod(ctx, callMethod, positional, scope, self) };
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error;
      call = { ...unreadable(error, 'call()'), mayReturnMasked: mayReturnMasked(callMethod, self) };
    }
  }

  let computeMask: CustomLayerObj['computeMask'] = { kind: 'default' };
  if (computeMethod) {
    try {
      computeMask = {
        kind: 'function',
        fn: translateMethod(
          ctx,
          computeMethod,
          [slot(computeMethod, 0, 'inputs'), slot(computeMethod, 1, 'mask')],
          scope,
          self,
        ),
      };
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error;
      computeMask = unreadable(error, 'compute_mask()');
    }
  }

  // A Keras layer class it derives from keeps its rule and runtime unless this class changes call or masking.
  const overrides =
    ['call', 'compute_mask', 'build'].some((name) => findMethod(cls, name) !== null) ||
    own?.t === 'bool' ||
    fromClass !== null;
  const base = kerasBases.get(layer) ?? null;
  layer.custom = {
    className: cls.name,
    base: base && !overrides ? base : null,
    range: rangeOf(cls.node),
    supportsMasking,
    supportsMaskingFrom,
    callTakesMask,
    computeMask,
    call,
    outputs: call.kind === 'function' ? outputCount(call.fn.body) : 1,
    build,
    sublayers,
  };
  if (!layer.custom.base) report(ctx, layer, layer.custom);
}

/** How many tensors an expression returns: a tuple or a split's parts, else one. */
function outputCount(e: LambdaExpr): number {
  if (e.op === 'call' && (e.fn === 'tuple' || e.fn === 'list')) return Math.max(1, e.args.length);
  if (e.op === 'call' && (e.fn === 'split' || e.fn === 'split_at' || e.fn === 'unstack')) return splitPartCount(e) ?? 1;
  // A test the source fixes (an argument's default, `return_state=False`) picks its branch.
  if (e.op === 'cond' && e.test.op === 'const') return outputCount(e.test.value ? e.then : e.else);
  if (e.op === 'cond') return Math.max(outputCount(e.then), outputCount(e.else));
  return 1;
}

/**
 * Whether a `call` MaskLens cannot translate may return a tensor that already carries a mask:
 * it calls a layer it holds, or returns one of its parameters as it is. Tensor operations
 * make tensors without one.
 */
function mayReturnMasked(m: Method, self: SelfRef): boolean {
  const body = field(m.fn.node, 'body');
  if (!body) return false;
  const calls = (node: Syntax): boolean =>
    (node.type === 'call' &&
      field(node, 'function')?.type === 'attribute' &&
      field(field(node, 'function') as Syntax, 'object')?.text === m.selfName &&
      self.layers.has(field(field(node, 'function') as Syntax, 'attribute')?.text ?? '')) ||
    named(node).some(calls);
  const returnsParam = (node: Syntax): boolean =>
    (node.type === 'return_statement' &&
      named(node)[0]?.type === 'identifier' &&
      m.params.includes(named(node)[0].text)) ||
    named(node).some(returnsParam);
  return calls(body) || returnsParam(body);
}

function report(ctx: Ctx, layer: LayerObj, custom: CustomLayerObj): void {
  for (const part of [custom.computeMask, custom.call]) {
    if (part.kind !== 'unreadable') continue;
    const consequence =
      part === custom.call ? 'the runtime cannot run this layer' : 'the mask after this layer is unknown';
    layer.diagnostics.push(
      ctx.diag(
        'custom-layer',
        'information',
        `MaskLens cannot read ${custom.className}: its ${part.reason}; ${consequence}.`,
        part.range,
      ),
    );
  }
}
