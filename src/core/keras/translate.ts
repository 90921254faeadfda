/**
 * Python functions → `LambdaExpr`, the small expression language the runtime executes: a
 * Lambda's body, and the methods of custom layer classes. Expressions: slicing, arithmetic,
 * comparisons, `x if c else y`, `is None`, the common `K.*` / `tf.*` / `keras.ops.*` / `np.*`
 * calls, and in a method `self.<weight>`, `self.<layer>(...)` and other methods of the class
 * (inlined). Statements: assignments (tuple unpacking, `+=`), `if` (a test the source fixes
 * picks its branch; a test known only at run time, such as `mask is None`, becomes `cond`),
 * `return`, and what has no effect on the result (docstrings, `assert`, `super().build()`).
 * Names from the enclosing code (`N`, `self.units`) fold to constants. What cannot be
 * translated is reported at the exact sub-expression.
 */
import type { JsonObject, JsonValue, LambdaExpr, SliceItem } from '../ir';
import type { Ctx } from '../objects/context';
import { field, named, sliceParts, type Syntax } from '../python/syntax';
import { Scope, toJson, type FuncValue, type Value } from '../objects/values';

export class Untranslatable extends Error {
  constructor(
    message: string,
    readonly node: Syntax,
  ) {
    super(message);
  }
}

/** Backend function names → the runtime's normalised names. */
const FUNCTIONS: Record<string, string> = {
  sum: 'sum',
  reduce_sum: 'sum',
  mean: 'mean',
  reduce_mean: 'mean',
  max: 'max',
  reduce_max: 'max',
  min: 'min',
  reduce_min: 'min',
  prod: 'prod',
  reduce_prod: 'prod',
  any: 'any',
  reduce_any: 'any',
  all: 'all',
  reduce_all: 'all',
  std: 'std',
  reduce_std: 'std',
  expand_dims: 'expand_dims',
  squeeze: 'squeeze',
  exp: 'exp',
  log: 'log',
  abs: 'abs',
  square: 'square',
  sqrt: 'sqrt',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  elu: 'elu',
  gelu: 'gelu',
  cast: 'cast',
  not_equal: 'not_equal',
  equal: 'equal',
  greater: 'greater',
  less: 'less',
  greater_equal: 'greater_equal',
  less_equal: 'less_equal',
  maximum: 'maximum',
  minimum: 'minimum',
  clip: 'clip',
  clip_by_value: 'clip',
  concatenate: 'concatenate',
  concat: 'concatenate',
  stack: 'stack',
  transpose: 'transpose',
  permute_dimensions: 'transpose',
  reshape: 'reshape',
  reverse: 'reverse',
  flip: 'reverse',
  cumsum: 'cumsum',
  l2_normalize: 'l2_normalize',
  ones_like: 'ones_like',
  zeros: 'zeros',
  ones: 'ones',
  zeros_like: 'zeros_like',
  pow: 'pow',
  power: 'pow',
  matmul: 'matmul',
  dot: 'matmul',
  batch_dot: 'batch_dot',
  argmax: 'argmax',
  argmin: 'argmin',
  logical_and: 'logical_and',
  logical_or: 'logical_or',
  logical_not: 'logical_not',
  where: 'where',
  negative: 'negative',
  square_root: 'sqrt',
  split: 'split',
  unstack: 'unstack',
  take: 'take',
  gather: 'take',
  embedding_lookup: 'take',
  arange: 'arange',
  range: 'arange',
  shape: 'shape',
  int_shape: 'shape',
  broadcast_to: 'broadcast_to',
  tile: 'tile',
  multiply: 'multiply',
  add: 'add',
  subtract: 'subtract',
  divide: 'divide',
  truediv: 'divide',
  divide_no_nan: 'divide_no_nan',
  einsum: 'einsum',
  sign: 'sign',
  round: 'round',
  floor: 'floor',
  rsqrt: 'rsqrt',
  log_softmax: 'log_softmax',
  leaky_relu: 'leaky_relu',
  selu: 'selu',
  silu: 'silu',
  swish: 'silu',
  hard_sigmoid: 'hard_sigmoid',
  triu: 'triu',
  tril: 'tril',
  count_nonzero: 'count_nonzero',
  cumprod: 'cumprod',
  erf: 'erf',
  bias_add: 'add',
  repeat_elements: 'repeat_elements',
  repeat: 'repeat',
  batch_flatten: 'batch_flatten',
  ndim: 'ndim',
  boolean_mask: 'boolean_mask',
};

const MODULES =
  /^(keras\.backend|keras\.ops|keras\.ops\.[a-z_]+|keras\.activations|tensorflow|tensorflow\.math|tensorflow\.nn|tensorflow\.linalg|numpy)\.([A-Za-z_]+)$/;

/**
 * `tf.split` takes the parts' sizes (one may be -1, the rest); `keras.ops.split` and
 * `numpy.split` take the indices to split at. Both take a count of equal parts too.
 */
function splitFunction(module: string): string {
  return module.startsWith('tensorflow') ? 'split' : 'split_at';
}

/** Backend calls whose value is a dtype name (`K.dtype(x)`, `K.floatx()`): every tensor MaskLens runs is float32. */
const DTYPE_OF = /^(keras\.backend\.(dtype|floatx)|keras\.config\.floatx)$/;
/** `K.epsilon()`: Keras' fuzz factor, 1e-7 unless the program sets another (MaskLens does not follow `set_epsilon`). */
const EPSILON = /^keras\.(backend|config)\.epsilon$/;
const DTYPES = new Set([
  'float16',
  'float32',
  'float64',
  'bfloat16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'bool',
]);

/** A method's `self`: what its attributes are. */
export interface SelfRef {
  /** The parameter bound to the instance (`self`). */
  name: string;
  /** Attributes set when the layer is built or constructed (weights, sizes read from the input shape): read at run time. */
  built: ReadonlySet<string>;
  /** Attributes that hold layers (called as `self.<attr>(...)`; a list's items as `<attr>[i]`). */
  layers: ReadonlySet<string>;
  /** The held layer a value is (an item of `self.blocks` a loop runs over), by its name in `layers`. */
  layerName(v: Value): string | null;
  /** Another method of the class, to inline where `self.<method>(...)` is called. */
  method(name: string): FuncValue | null;
  /** The Keras class and config of a held layer, by its name in `layers`. */
  heldLayer(attr: string): { className: string; module: string; config: JsonObject } | null;
  /** The family's `add_weight` parameters in order (they differ between Keras 3 and tf.keras). */
  addWeightParams: readonly string[];
  /** How an `initializer=` value is serialised for the runtime. */
  initializer(value: Value, node: Syntax): JsonValue;
}

export interface Env {
  params: string[];
  locals: Map<string, LambdaExpr>;
  fn: FuncValue;
  /** Where other names are read (the defining scope; for a method, with `self` bound to the instance). */
  scope: Scope;
  self: SelfRef | null;
  /** Methods inlined into this one (bounds recursion). */
  depth: number;
  /**
   * `self.<attr> = value` in `call` (a cache for plotting, say): read only if the method reads
   * it back, so a value MaskLens cannot translate stops nothing unless it is used.
   */
  selfAssigned?: Map<string, Syntax>;
  /** Loop variables bound to a held layer (`for block in self.blocks:`), by name. */
  aliases?: Map<string, string>;
  /** Keras loss objects the function makes (`loss_fn = keras.losses.X(...)`), by name. */
  objects?: Map<string, Value>;
  /**
   * A Metric subclass's state variables (`self.total`): each one's value so far in the method,
   * which `self.total.assign_add(x)` / `assign_sub` / `assign` statements change.
   */
  states?: Map<string, LambdaExpr>;
  /**
   * What the method gives where it ends or returns (`update_state`: every state's new value);
   * unset in helpers it inlines, which therefore cannot change a state.
   */
  finish?: (env: Env) => LambdaExpr;
  /**
   * The function runs inside Keras' compiled step (a metric), where numpy cannot read a tensor:
   * Keras 3.15.1 and tf-keras 2.21 raise NotImplementedError there (measured).
   */
  graph?: boolean;
  /**
   * The method's `*args` parameter and the slots it takes (Keras' positional arguments the
   * named parameters leave), so `f(*args)` passes them on.
   */
  star?: { name: string; slots: string[] };
}

/** Loops are unrolled: at most this many iterations, each translated on its own. */
const MAX_UNROLLED = 64;

const MAX_INLINE_DEPTH = 6;
/** Tests known only at run time, per path through a function: each doubles what follows it. */
const MAX_RUNTIME_BRANCHES = 8;

function constantOf(v: Value): LambdaExpr | null {
  if (v.t === 'num') return { op: 'const', value: v.v };
  if (v.t === 'bool') return { op: 'const', value: v.v };
  if (v.t === 'none') return { op: 'const', value: null };
  if (v.t === 'str' && DTYPES.has(v.v)) return { op: 'const', value: v.v };
  if (v.t === 'ref') {
    const last = v.qual.slice(v.qual.lastIndexOf('.') + 1);
    if (DTYPES.has(last)) return { op: 'const', value: last };
  }
  return null;
}

function lossObjectClass(v: JsonValue): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v.module !== 'keras.losses') return null;
  return typeof v.class_name === 'string' ? v.class_name : null;
}

function constant(ctx: Ctx, node: Syntax, env: Env): LambdaExpr | null {
  if (node.type === 'identifier') {
    const local = env.locals.get(node.text);
    if (local) return local.op === 'const' ? local : null;
  }
  if (usesLocal(node, env) || usesSelfAtRunTime(node, env)) return null;
  return constantOf(ctx.evaluator.evaluate(node, env.scope));
}

const BINARY: Record<string, '+' | '-' | '*' | '/' | '**'> = { '+': '+', '-': '-', '*': '*', '/': '/', '**': '**' };
const LOGICAL: Record<string, string> = { '&': 'logical_and', '|': 'logical_or' };
const COMPARE = new Set(['==', '!=', '>', '<', '>=', '<=']);

export function translateExpr(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  ctx.step();
  if (node.type !== 'identifier' && !usesParam(node, env)) {
    // Constant sub-expressions (`-1`, `N + 1`, `np.pi / 2`, `self.units`) fold to one value.
    const c = constant(ctx, node, env);
    if (c) return c;
  }
  switch (node.type) {
    case 'identifier': {
      // A name assigned in the function shadows the parameter it may reuse (`inputs, enc = inputs`).
      const local = env.locals.get(node.text);
      if (local) return local;
      const i = env.params.indexOf(node.text);
      if (i >= 0) return { op: 'param', index: i };
      const c = constant(ctx, node, env);
      if (c) return c;
      throw new Untranslatable(`\`${node.text}\` is not a parameter or a constant the source fixes`, node);
    }
    case 'parenthesized_expression': {
      const inner = named(node)[0];
      if (!inner) throw new Untranslatable('empty expression', node);
      return translateExpr(ctx, inner, env);
    }
    case 'unary_operator': {
      const op = field(node, 'operator')?.text;
      const operand = translateExpr(ctx, field(node, 'argument') ?? node, env);
      if (op === '-') return { op: 'unary', operator: '-', operand };
      if (op === '+') return operand;
      throw new Untranslatable(`operator ${op}`, node);
    }
    case 'not_operator':
      return { op: 'unary', operator: 'not', operand: translateExpr(ctx, field(node, 'argument') ?? node, env) };
    case 'binary_operator': {
      const op = field(node, 'operator')?.text ?? '';
      // On masks (booleans), `&` and `|` are what Keras' and TensorFlow's tensors make of them.
      const logical = LOGICAL[op];
      if (logical)
        return {
          op: 'call',
          fn: logical,
          args: [field(node, 'left') ?? node, field(node, 'right') ?? node].map((n) => translateExpr(ctx, n, env)),
          kwargs: {},
        };
      const operator = BINARY[op];
      if (!operator) throw new Untranslatable(`operator ${op}`, node);
      return {
        op: 'binary',
        operator,
        left: translateExpr(ctx, field(node, 'left') ?? node, env),
        right: translateExpr(ctx, field(node, 'right') ?? node, env),
      };
    }
    case 'boolean_operator': {
      const op = field(node, 'operator')?.text;
      if (op !== 'and' && op !== 'or') throw new Untranslatable(`operator ${op}`, node);
      return {
        op: 'binary',
        operator: op,
        left: translateExpr(ctx, field(node, 'left') ?? node, env),
        right: translateExpr(ctx, field(node, 'right') ?? node, env),
      };
    }
    case 'comparison_operator':
      return comparison(ctx, node, env);
    case 'conditional_expression': {
      const [then, test, otherwise] = named(node);
      if (!then || !test || !otherwise) throw new Untranslatable('incomplete conditional expression', node);
      const fixed = staticTruth(ctx, test, env);
      if (fixed !== null) return translateExpr(ctx, fixed ? then : otherwise, env);
      return {
        op: 'cond',
        test: translateExpr(ctx, test, env),
        then: translateExpr(ctx, then, env),
        else: translateExpr(ctx, otherwise, env),
      };
    }
    case 'tuple':
    case 'list':
    case 'expression_list':
      return { op: 'call', fn: 'tuple', args: named(node).map((item) => translateExpr(ctx, item, env)), kwargs: {} };
    case 'subscript':
      return {
        op: 'slice',
        target: translateExpr(ctx, field(node, 'value') ?? node, env),
        items: sliceItems(ctx, node, env),
      };
    case 'call':
      return translateCall(ctx, node, env);
    case 'attribute':
      return attribute(ctx, node, env);
    default: {
      const c = constant(ctx, node, env);
      if (c) return c;
      throw new Untranslatable(`unsupported expression (${node.type})`, node);
    }
  }
}

function comparison(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  const operands = named(node);
  const op = node.children.find((c) => c && (COMPARE.has(c.type) || c.type === 'is' || c.type === 'is not'))?.type;
  if (operands.length !== 2 || !op) throw new Untranslatable('chained or unsupported comparison', node);
  if (op === 'is' || op === 'is not') {
    const [a, b] = operands;
    const target = b.type === 'none' ? a : a.type === 'none' ? b : null;
    if (!target) throw new Untranslatable('`is` is only translated against None', node);
    const test: LambdaExpr = { op: 'isNone', operand: translateExpr(ctx, target, env) };
    return op === 'is' ? test : { op: 'unary', operator: 'not', operand: test };
  }
  return {
    op: 'binary',
    operator: op as '==',
    left: translateExpr(ctx, operands[0], env),
    right: translateExpr(ctx, operands[1], env),
  };
}

/** `self.<attr>` or `<tensor>.<attr>`. */
function attribute(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  const object = field(node, 'object');
  const name = field(node, 'attribute')?.text ?? '';
  if (env.self && object?.type === 'identifier' && object.text === env.self.name) {
    const state = env.states?.get(name);
    if (state) return state;
    const assigned = env.selfAssigned?.get(name);
    if (assigned) return translateExpr(ctx, assigned, env);
    if (env.self.built.has(name)) return { op: 'self', name };
    if (env.self.layers.has(name))
      throw new Untranslatable(
        `\`self.${name}\` is a layer used as a value (MaskLens follows layers only where they are called)`,
        node,
      );
    const c = constantOf(ctx.evaluator.evaluate(node, env.scope));
    if (c) return c;
    throw new Untranslatable(`\`self.${name}\` is not a number, a dtype or a weight the source fixes`, node);
  }
  if (object && usesParam(object, env)) {
    // Every tensor MaskLens runs is float32; `x.shape` is read when the layer runs.
    if (name === 'dtype') return { op: 'const', value: 'float32' };
    if (name === 'shape') return { op: 'call', fn: 'shape', args: [translateExpr(ctx, object, env)], kwargs: {} };
  }
  const c = constant(ctx, node, env);
  if (c) return c;
  throw new Untranslatable('attribute access', node);
}

function sliceBound(ctx: Ctx, node: Syntax | null, env: Env): number | null {
  if (!node) return null;
  const e = usesParam(node, env) ? translateExpr(ctx, node, env) : constant(ctx, node, env);
  if (e?.op === 'const' && e.value === null) return null;
  if (e?.op === 'const' && typeof e.value === 'number' && Number.isInteger(e.value)) return e.value;
  throw new Untranslatable('slice bounds must be integers the source fixes', node);
}

function sliceItems(ctx: Ctx, node: Syntax, env: Env): SliceItem[] {
  const items: SliceItem[] = [];
  for (const child of node.childrenForFieldName('subscript')) {
    if (!child) continue;
    if (child.type === 'ellipsis') items.push({ kind: 'ellipsis' });
    else if (child.type === 'slice') {
      const parts = sliceParts(child);
      items.push({
        kind: 'range',
        start: sliceBound(ctx, parts[0], env),
        stop: sliceBound(ctx, parts[1], env),
        step: sliceBound(ctx, parts[2], env),
      });
    } else {
      const e = usesParam(child, env) ? translateExpr(ctx, child, env) : constant(ctx, child, env);
      if (e?.op === 'const' && e.value === null) items.push({ kind: 'newaxis' });
      else if (e?.op === 'const' && typeof e.value === 'number' && Number.isInteger(e.value))
        items.push({ kind: 'index', index: e.value });
      else throw new Untranslatable('indices must be integers the source fixes', child);
    }
  }
  return items;
}

/** A call's arguments: positional (a list literal spread, as `concatenate([a, b])` takes it) and keyword. */
function callArguments(
  ctx: Ctx,
  node: Syntax,
  env: Env,
  spreadLists: boolean,
): { args: LambdaExpr[]; kwargs: Record<string, LambdaExpr>; kwargNodes: Map<string, Syntax> } {
  const args: LambdaExpr[] = [];
  const kwargs: Record<string, LambdaExpr> = {};
  const kwargNodes = new Map<string, Syntax>();
  const list = field(node, 'arguments');
  for (const arg of list ? named(list) : []) {
    if (arg.type === 'keyword_argument') {
      const name = field(arg, 'name')?.text;
      const value = field(arg, 'value');
      if (!name || !value) continue;
      kwargs[name] = translateExpr(ctx, value, env);
      kwargNodes.set(name, value);
    } else if (arg.type === 'list_splat' && env.star && named(arg)[0]?.text === env.star.name) {
      for (const slot of env.star.slots) args.push({ op: 'param', index: env.params.indexOf(slot) });
    } else if (arg.type === 'dictionary_splat' && env.star && isDoubleStar(env.fn, named(arg)[0]?.text ?? '')) {
      // Keras calls the methods it drives with positional arguments only: `**kwargs` is empty.
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
      throw new Untranslatable('*args / **kwargs in a call', arg);
    } else if (spreadLists && (arg.type === 'list' || arg.type === 'tuple')) {
      for (const item of named(arg)) args.push(translateExpr(ctx, item, env));
    } else args.push(translateExpr(ctx, arg, env));
  }
  return { args, kwargs, kwargNodes };
}

function translateCall(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  const callee = field(node, 'function');
  if (!callee) throw new Untranslatable('call', node);
  const self = env.self;
  const held = self ? heldLayerCalled(ctx, callee, env) : null;
  if (held) {
    const { args, kwargs } = callArguments(ctx, node, env, false);
    return { op: 'layer', name: held, args, kwargs };
  }
  const heldMask = self ? heldComputeMask(ctx, node, callee, env) : null;
  if (heldMask) return heldMask;
  if (self && callee.type === 'attribute' && field(callee, 'object')?.text === self.name) {
    const attr = field(callee, 'attribute')?.text ?? '';
    if (attr === 'add_weight') return addWeight(ctx, node, env, self);
    const method = self.method(attr);
    if (method) return inline(ctx, node, method, env);
  }
  const local =
    callee.type === 'identifier' && !env.locals.has(callee.text) ? env.objects?.get(callee.text) : undefined;
  const target: Value = local ?? ctx.evaluator.evaluate(callee, env.scope);
  // A function the file defines (a helper the Lambda's function calls): its body, inlined.
  if (target.t === 'func' && !target.fn.owner && target.fn.node.type === 'function_definition')
    return inlineFunction(ctx, node, target.fn, env);
  if (target.t === 'ref' && DTYPE_OF.test(target.qual)) return { op: 'const', value: 'float32' };
  if (target.t === 'ref' && EPSILON.test(target.qual)) return { op: 'const', value: 1e-7 };
  const loss = kerasLossCall(target);
  if (loss) {
    const { args, kwargs, kwargNodes } = callArguments(ctx, node, env, false);
    const given: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(kwargs)) {
      const valueNode = kwargNodes.get(k);
      const j =
        valueNode && !usesParam(valueNode, env) ? toJson(ctx.evaluator.evaluate(valueNode, env.scope)) : undefined;
      if (v.op === 'const' || j !== undefined) given[k] = j ?? (v.op === 'const' ? v.value : null);
      else throw new Untranslatable(`\`${k}=\` of a Keras loss must be a value the source fixes`, valueNode ?? node);
    }
    return { op: 'call', fn: 'keras_loss', args: args.slice(0, 2), kwargs: { ...loss, ...given } };
  }
  const m = target.t === 'ref' ? MODULES.exec(target.qual) : null;
  // Python's builtins abs() and len() (when the file does not rebind the name) work on tensors too.
  const builtin =
    callee.type === 'identifier' && (callee.text === 'abs' || callee.text === 'len') && target.t !== 'func'
      ? callee.text
      : undefined;
  if (m?.[1] === 'numpy' && env.graph)
    throw new Untranslatable(
      'Keras runs it inside its compiled step, where numpy cannot read a tensor (Keras raises NotImplementedError: Cannot convert a symbolic tf.Tensor to a numpy array); use tf or keras.ops',
      callee,
    );
  const fn = m ? (m[2] === 'split' ? splitFunction(m[1]) : FUNCTIONS[m[2]]) : builtin;
  if (!fn) throw new Untranslatable(`\`${callee.text}\` is not a function MaskLens can execute`, callee);
  const spread = fn === 'concatenate' || fn === 'stack';
  const { args, kwargs, kwargNodes } = callArguments(ctx, node, env, spread);
  const out: Record<string, LambdaExpr | JsonValue> = {};
  // keras.backend.expand_dims adds the last axis when none is given; numpy, ops and tf require one.
  if (m?.[1] === 'keras.backend' && fn === 'expand_dims' && args.length === 1 && kwargs.axis === undefined)
    out.axis = -1;
  for (const [k, v] of Object.entries(kwargs)) {
    const valueNode = kwargNodes.get(k);
    const j =
      valueNode && !usesParam(valueNode, env) ? toJson(ctx.evaluator.evaluate(valueNode, env.scope)) : undefined;
    out[k] = j !== undefined ? j : v;
  }
  return { op: 'call', fn, args, kwargs: out };
}

/**
 * A Keras loss called inside the user's function: a `keras.losses` object built in the file
 * (`SparseCategoricalCrossentropy(from_logits=True, reduction='none')`, reducing as its
 * `reduction` says) or a loss function (`keras.losses.sparse_categorical_crossentropy`, per
 * position). Its name and scalar options, for the runtime's `keras_loss`.
 */
function kerasLossCall(target: Value): Record<string, JsonValue> | null {
  if (
    target.t === 'json' &&
    typeof target.value === 'object' &&
    target.value !== null &&
    !Array.isArray(target.value) &&
    target.value.module === 'keras.losses'
  ) {
    const config = target.value.config;
    const scalars: Record<string, JsonValue> = { loss: target.className, reduction: 'sum_over_batch_size' };
    if (config && typeof config === 'object' && !Array.isArray(config)) {
      for (const [k, v] of Object.entries(config)) if (v === null || typeof v !== 'object') scalars[k] = v;
    }
    return scalars;
  }
  const fn = target.t === 'ref' ? /^keras\.losses\.([a-z_]+)$/.exec(target.qual) : null;
  return fn ? { loss: fn[1], reduction: 'none' } : null;
}

/** Whether `name` is the function's `**kwargs` parameter. */
function isDoubleStar(fn: FuncValue, name: string): boolean {
  const list = field(fn.node, 'parameters');
  return (list ? named(list) : []).some((p) => p.type === 'dictionary_splat_pattern' && named(p)[0]?.text === name);
}

/**
 * `self.<held>.compute_mask(inputs, ...)` on a held Embedding: what Keras' own
 * `Embedding.compute_mask` computes (both families): `not_equal(inputs, 0)` with
 * `mask_zero=True`, else None. The TensorFlow transformer tutorial's positional embedding
 * hands its mask on this way. Other held layers' masks stay untranslated.
 */
function heldComputeMask(ctx: Ctx, node: Syntax, callee: Syntax, env: Env): LambdaExpr | null {
  const self = env.self;
  if (!self || callee.type !== 'attribute' || field(callee, 'attribute')?.text !== 'compute_mask') return null;
  const object = field(callee, 'object');
  if (object?.type !== 'attribute' || field(object, 'object')?.text !== self.name) return null;
  const held = self.heldLayer(field(object, 'attribute')?.text ?? '');
  if (held?.className !== 'Embedding' || !held.module.startsWith('keras')) return null;
  const { args, kwargs } = callArguments(ctx, node, env, false);
  const inputs = args[0] ?? kwargs.inputs;
  if (!inputs) throw new Untranslatable('compute_mask without its inputs', node);
  if (held.config.mask_zero !== true) return { op: 'const', value: null };
  return { op: 'call', fn: 'not_equal', args: [inputs, { op: 'const', value: 0 }], kwargs: {} };
}

/** The held layer a callee names: `self.dense`, `self.blocks[i]` (i fixed), a loop variable over `self.blocks`. */
function heldLayerCalled(ctx: Ctx, callee: Syntax, env: Env): string | null {
  const self = env.self;
  if (!self) return null;
  if (callee.type === 'identifier') return env.aliases?.get(callee.text) ?? null;
  if (callee.type === 'attribute' && field(callee, 'object')?.text === self.name) {
    const attr = field(callee, 'attribute')?.text ?? '';
    return self.layers.has(attr) ? attr : null;
  }
  if (callee.type === 'subscript') {
    const list = field(callee, 'value');
    const index = callee.childrenForFieldName('subscript').find((c): c is Syntax => c !== null);
    if (list?.type !== 'attribute' || field(list, 'object')?.text !== self.name || !index) return null;
    const at = translateExpr(ctx, index, env);
    if (at.op !== 'const' || typeof at.value !== 'number')
      throw new Untranslatable('a held layer picked by an index known only at run time', index);
    const name = `${field(list, 'attribute')?.text ?? ''}[${at.value}]`;
    return self.layers.has(name) ? name : null;
  }
  return null;
}

/** `self.add_weight(shape=..., initializer=..., name=..., trainable=...)` in build() or __init__. */
function addWeight(ctx: Ctx, node: Syntax, env: Env, self: SelfRef): LambdaExpr {
  const list = field(node, 'arguments');
  const given = new Map<string, Syntax>();
  let position = 0;
  for (const arg of list ? named(list) : []) {
    if (arg.type === 'keyword_argument') {
      const name = field(arg, 'name')?.text;
      const value = field(arg, 'value');
      if (name && value) given.set(name, value);
    } else {
      const name = self.addWeightParams[position++];
      if (name) given.set(name, arg);
    }
  }
  const shapeNode = given.get('shape');
  if (!shapeNode) throw new Untranslatable('add_weight without a shape', node);
  const kwargs: Record<string, LambdaExpr | JsonValue> = { shape: translateExpr(ctx, shapeNode, env) };
  const init = given.get('initializer');
  if (init) kwargs.initializer = self.initializer(ctx.evaluator.evaluate(init, env.scope), init);
  for (const key of ['name', 'trainable', 'dtype']) {
    const at = given.get(key);
    const j = at ? toJson(ctx.evaluator.evaluate(at, env.scope)) : undefined;
    if (j !== undefined) kwargs[key] = j;
  }
  return { op: 'call', fn: 'add_weight', args: [], kwargs };
}

/** `self.helper(x)`: the other method's body, with its parameters bound to the call's arguments. */
function inline(ctx: Ctx, node: Syntax, method: FuncValue, env: Env): LambdaExpr {
  if (env.depth >= MAX_INLINE_DEPTH) throw new Untranslatable('methods call each other too deeply', node);
  const { args, kwargs } = callArguments(ctx, node, env, false);
  const list = field(method.node, 'parameters');
  const locals = new Map(env.locals);
  let position = 0;
  named(list ?? method.node).forEach((p, i) => {
    if (i === 0) return; // self
    const name = p.type === 'identifier' ? p.text : field(p, 'name')?.text;
    if (!name) return;
    const bound = kwargs[name] ?? args[position++];
    const fallback = field(p, 'value');
    if (bound) locals.set(name, bound);
    else if (fallback) locals.set(name, translateExpr(ctx, fallback, env));
  });
  const inner: Env = { ...env, locals, fn: method, depth: env.depth + 1, finish: undefined };
  return translateBlock(ctx, named(field(method.node, 'body') ?? method.node), inner);
}

/**
 * A plain function called from the translated one: its parameters bound to the call's
 * arguments (or their defaults, read in its own scope), its body translated where it was
 * defined; it sees none of the caller's locals, as in Python.
 */
function inlineFunction(ctx: Ctx, node: Syntax, fn: FuncValue, env: Env): LambdaExpr {
  if (env.depth >= MAX_INLINE_DEPTH) throw new Untranslatable('functions call each other too deeply', node);
  const { args, kwargs } = callArguments(ctx, node, env, false);
  const inner: Env = {
    params: [],
    locals: new Map(),
    fn,
    scope: fn.scope,
    self: null,
    depth: env.depth + 1,
    ...(env.graph ? { graph: true } : {}),
  };
  let position = 0;
  for (const p of named(field(fn.node, 'parameters') ?? fn.node)) {
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern')
      throw new Untranslatable('a function taking *args or **kwargs', p);
    const name = p.type === 'identifier' ? p.text : field(p, 'name')?.text;
    if (!name) continue;
    const bound = kwargs[name] ?? args[position++];
    const fallback = field(p, 'value');
    if (bound) inner.locals.set(name, bound);
    else if (fallback) inner.locals.set(name, translateExpr(ctx, fallback, inner));
    else throw new Untranslatable(`the call gives no value for parameter \`${name}\``, node);
  }
  const result = translateBlock(ctx, named(field(fn.node, 'body') ?? fn.node), inner);
  if (result.op === 'const' && result.value === null)
    throw new Untranslatable(`\`${fn.name}\` returns nothing MaskLens can read`, node);
  return result;
}

function usesLocal(node: Syntax, env: Env): boolean {
  if (node.type === 'identifier') return env.locals.has(node.text);
  return named(node).some((c) => usesLocal(c, env));
}

/** `self.<weight>` / `self.<layer>`: read when the layer runs, not folded. */
function usesSelfAtRunTime(node: Syntax, env: Env): boolean {
  const self = env.self;
  if (!self) return false;
  if (node.type === 'attribute' && field(node, 'object')?.text === self.name) {
    const name = field(node, 'attribute')?.text ?? '';
    return (
      self.built.has(name) ||
      self.layers.has(name) ||
      env.states?.has(name) === true ||
      name === 'add_weight' ||
      self.method(name) !== null ||
      env.selfAssigned?.has(name) === true
    );
  }
  return named(node).some((c) => usesSelfAtRunTime(c, env));
}

export function usesParam(node: Syntax, env: Env): boolean {
  if (node.type === 'identifier') return env.params.includes(node.text) || env.locals.has(node.text);
  if (usesSelfAtRunTime(node, env)) return true;
  return named(node).some((c) => usesParam(c, env));
}

/** A test the source fixes (`if self.bias:`), or null when it is only known at run time. */
function staticTruth(ctx: Ctx, test: Syntax, env: Env): boolean | null {
  if (usesParam(test, env)) return null;
  const v = ctx.evaluator.evaluate(test, env.scope);
  switch (v.t) {
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'num':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'seq':
      return v.items.length > 0;
    case 'layer':
    case 'model':
    case 'instance':
    case 'func':
      return true;
    default:
      return null;
  }
}

/** Statements with no effect on what the function computes. */
function inert(stmt: Syntax): boolean {
  if (stmt.type === 'pass_statement' || stmt.type === 'assert_statement' || stmt.type === 'comment') return true;
  if (stmt.type !== 'expression_statement') return false;
  const inner = named(stmt)[0];
  if (!inner) return true;
  if (inner.type === 'string') return true; // a docstring
  if (inner.type === 'call') {
    const callee = field(inner, 'function');
    const text = callee?.text ?? '';
    // super().build(input_shape), print(...), tf.print(...), self.add_loss(...), tf.debugging.*:
    // nothing the result depends on.
    return (
      /^super\s*\(/.test(text) ||
      text === 'print' ||
      /\.print$/.test(text) ||
      /^self\.add_(loss|metric)$/.test(text) ||
      /(^|\.)debugging\./.test(text)
    );
  }
  return false;
}

/**
 * What `stmts` return, as one expression. `onSelfAssign`: where `self.<attr> = value` goes
 * (build() records them; elsewhere they are kept for reading back).
 */
export function translateBlock(ctx: Ctx, stmts: readonly Syntax[], env: Env, onSelfAssign?: SelfAssign): LambdaExpr {
  return block(ctx, stmts, env, { onSelfAssign, branches: 0, inLoop: false }) ?? { op: 'const', value: null };
}

type SelfAssign = (attr: string, value: LambdaExpr, node: Syntax) => void;

interface BlockState {
  onSelfAssign: SelfAssign | undefined;
  /** Tests known only at run time on this path: each doubles what follows it. */
  branches: number;
  /** Inside an unrolled loop body: its statements run for their assignments only. */
  inLoop: boolean;
}

/** The statements' return value, or null when they end without a `return`. */
function block(ctx: Ctx, stmts: readonly Syntax[], env: Env, state: BlockState): LambdaExpr | null {
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    ctx.step();
    if (inert(stmt)) continue;
    const rest = stmts.slice(i + 1);
    switch (stmt.type) {
      case 'return_statement': {
        if (state.inLoop) throw new Untranslatable('a return inside a loop', stmt);
        // Keras ignores what update_state returns: the states are its result.
        if (env.finish) return env.finish(env);
        const value = named(stmt)[0];
        return value ? translateExpr(ctx, value, env) : { op: 'const', value: null };
      }
      case 'for_statement':
        unrollFor(ctx, stmt, env, state);
        break;
      case 'import_statement':
      case 'import_from_statement': {
        // `import keras.backend as K` inside the function: its names, for what follows.
        const scope = new Scope(env.scope);
        if (!ctx.evaluator.bindImport(stmt, scope))
          throw new Untranslatable('a wildcard import inside the function', stmt);
        env.scope = scope;
        break;
      }
      case 'if_statement': {
        const test = field(stmt, 'condition');
        const body = field(stmt, 'consequence');
        if (!test || !body) throw new Untranslatable('incomplete if statement', stmt);
        const alternatives = named(stmt).filter((c) => c.type === 'elif_clause' || c.type === 'else_clause');
        return translateIf(ctx, test, body, alternatives, rest, env, state);
      }
      case 'expression_statement': {
        const inner = named(stmt)[0];
        if (inner?.type === 'assignment') assign(ctx, inner, env, state.onSelfAssign);
        else if (inner?.type === 'augmented_assignment') augmented(ctx, inner, env);
        else if (!(inner?.type === 'call' && stateUpdate(ctx, inner, env)))
          throw new Untranslatable('a statement MaskLens cannot translate', stmt);
        break;
      }
      default:
        throw new Untranslatable(
          `a ${stmt.type.replace(/_/g, ' ')} (MaskLens translates assignments, if, for over fixed values and return)`,
          stmt,
        );
    }
  }
  return !state.inLoop && env.finish ? env.finish(env) : null;
}

const STATE_UPDATES: Record<string, '+' | '-' | null> = { assign_add: '+', assign_sub: '-', assign: null };

/** `self.total.assign_add(x)` (`assign_sub`, `assign`) on a Metric's state: its value from here on. */
function stateUpdate(ctx: Ctx, call: Syntax, env: Env): boolean {
  const callee = field(call, 'function');
  const target = callee?.type === 'attribute' ? field(callee, 'object') : null;
  const how = field(callee ?? call, 'attribute')?.text ?? '';
  if (!env.states || !target || target.type !== 'attribute' || !(how in STATE_UPDATES)) return false;
  const attr = field(target, 'attribute')?.text ?? '';
  const current = env.states.get(attr);
  if (!current || field(target, 'object')?.text !== env.self?.name) return false;
  if (!env.finish) throw new Untranslatable("a metric's state changed inside a helper method", call);
  const { args, kwargs } = callArguments(ctx, call, env, false);
  const value = args[0] ?? kwargs.value;
  if (!value || args.length > 1) throw new Untranslatable(`\`${how}\` takes one value`, call);
  const operator = STATE_UPDATES[how];
  env.states.set(attr, operator ? { op: 'binary', operator, left: current, right: value } : value);
  return true;
}

/**
 * `for i in range(self.num_layers):` / `for block in self.blocks:` over values the source
 * fixes: each iteration's statements in turn, for their assignments.
 */
function unrollFor(ctx: Ctx, stmt: Syntax, env: Env, state: BlockState): void {
  const target = field(stmt, 'left');
  const iterable = field(stmt, 'right');
  const body = field(stmt, 'body');
  if (!target || !iterable || !body || target.type !== 'identifier')
    throw new Untranslatable('a for statement MaskLens cannot unroll', stmt);
  if (named(stmt).some((c) => c.type === 'else_clause'))
    throw new Untranslatable('a for statement with an else clause', stmt);
  const overHeld = env.self !== null && field(iterable, 'object')?.text === env.self.name;
  if (!overHeld && usesParam(iterable, env))
    throw new Untranslatable('a loop over values known only at run time', iterable);
  const value = ctx.evaluator.evaluate(iterable, env.scope);
  const items = value.t === 'seq' ? value.items : null;
  if (!items || items.length > MAX_UNROLLED)
    throw new Untranslatable('a loop over values the source does not fix', iterable);
  for (const item of items) {
    const layer = env.self?.layerName(item) ?? null;
    const constant = constantOf(item);
    if (layer) (env.aliases ??= new Map()).set(target.text, layer);
    else if (constant) env.locals.set(target.text, constant);
    else throw new Untranslatable('a loop over values that are neither numbers nor layers it holds', iterable);
    block(ctx, named(body), env, { ...state, inLoop: true });
  }
}

/** What one branch of a run-time test assigns stays in that branch. */
function branchEnv(env: Env): Env {
  return {
    ...env,
    locals: new Map(env.locals),
    ...(env.states ? { states: new Map(env.states) } : {}),
    ...(env.selfAssigned ? { selfAssigned: new Map(env.selfAssigned) } : {}),
    ...(env.aliases ? { aliases: new Map(env.aliases) } : {}),
  };
}

/**
 * An `if` (or the `elif` / `else` clauses left of its chain) followed by `rest`: a test the
 * source fixes takes its branch; one known only at run time becomes `cond` over both.
 */
function translateIf(
  ctx: Ctx,
  test: Syntax,
  body: Syntax,
  alternatives: readonly Syntax[],
  rest: readonly Syntax[],
  env: Env,
  state: BlockState,
): LambdaExpr | null {
  const otherwise = (e: Env, s: BlockState): LambdaExpr | null => {
    const [next, ...more] = alternatives;
    if (!next) return block(ctx, rest, e, s);
    if (next.type === 'else_clause') return block(ctx, [...named(field(next, 'body') ?? next), ...rest], e, s);
    const nextTest = field(next, 'condition');
    const nextBody = field(next, 'consequence');
    if (!nextTest || !nextBody) throw new Untranslatable('incomplete elif', next);
    return translateIf(ctx, nextTest, nextBody, more, rest, e, s);
  };
  const fixed = staticTruth(ctx, test, env);
  if (fixed === true) return block(ctx, [...named(body), ...rest], env, state);
  if (fixed === false) return otherwise(env, state);
  if (state.onSelfAssign)
    throw new Untranslatable('an if in build() whose test is only known when the layer runs', test);
  if (state.inLoop) throw new Untranslatable('a test known only at run time inside a loop', test);
  if (state.branches >= MAX_RUNTIME_BRANCHES) throw new Untranslatable('too many tests known only at run time', test);
  const condition = translateExpr(ctx, test, env);
  const inner = { ...state, branches: state.branches + 1 };
  const none: LambdaExpr = { op: 'const', value: null };
  const then = block(ctx, [...named(body), ...rest], branchEnv(env), inner) ?? none;
  const other = otherwise(branchEnv(env), inner) ?? none;
  return { op: 'cond', test: condition, then, else: other };
}

function assign(ctx: Ctx, node: Syntax, env: Env, onSelfAssign?: SelfAssign): void {
  const left = field(node, 'left');
  const right = field(node, 'right');
  if (!left || !right) throw new Untranslatable('incomplete assignment', node);
  if (left.type === 'identifier') {
    // A Keras loss object made inside the function (`loss_fn = SparseCategoricalCrossentropy(...)`), called later.
    const object = usesParam(right, env) || usesLocal(right, env) ? null : ctx.evaluator.evaluate(right, env.scope);
    if (object?.t === 'json' && lossObjectClass(object.value)) {
      env.locals.delete(left.text);
      (env.objects ??= new Map()).set(left.text, object);
      return;
    }
    env.objects?.delete(left.text);
    env.locals.set(left.text, translateExpr(ctx, right, env));
    return;
  }
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    const targets = named(left);
    const values =
      right.type === 'tuple' || right.type === 'expression_list' || right.type === 'list' ? named(right) : null;
    if (values && values.length === targets.length) {
      const translated = values.map((v) => translateExpr(ctx, v, env));
      targets.forEach((t, i) => bindName(t, translated[i], env));
      return;
    }
    const whole = translateExpr(ctx, right, env);
    targets.forEach((t, i) => bindName(t, { op: 'slice', target: whole, items: [{ kind: 'index', index: i }] }, env));
    return;
  }
  if (left.type === 'attribute' && env.self && field(left, 'object')?.text === env.self.name) {
    const attr = field(left, 'attribute')?.text ?? '';
    if (onSelfAssign) onSelfAssign(attr, translateExpr(ctx, right, env), node);
    else (env.selfAssigned ??= new Map()).set(attr, right);
    return;
  }
  throw new Untranslatable(
    left.type === 'attribute'
      ? `an assignment to \`${left.text}\` (MaskLens translates assignments to local names)`
      : 'an assignment MaskLens cannot translate',
    left,
  );
}

function bindName(target: Syntax, value: LambdaExpr, env: Env): void {
  if (target.type !== 'identifier') throw new Untranslatable('nested unpacking', target);
  env.locals.set(target.text, value);
}

function augmented(ctx: Ctx, node: Syntax, env: Env): void {
  const left = field(node, 'left');
  const right = field(node, 'right');
  const op = field(node, 'operator')?.text.replace('=', '') ?? '';
  const operator = BINARY[op];
  if (!left || !right || left.type !== 'identifier' || !operator)
    throw new Untranslatable('an augmented assignment MaskLens cannot translate', node);
  env.locals.set(left.text, {
    op: 'binary',
    operator,
    left: translateExpr(ctx, left, env),
    right: translateExpr(ctx, right, env),
  });
}
