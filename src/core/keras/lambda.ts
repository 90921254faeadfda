/**
 * Lambda bodies → `LambdaExpr`, the small expression language the runtime executes:
 * slicing, arithmetic, comparisons and the common `K.*` / `tf.*` / `keras.ops.*` / `np.*`
 * calls. Names from the enclosing code (`N`) fold to constants. What cannot be translated
 * is reported at the exact sub-expression.
 *
 * It also classifies what the body does to the time axis, which decides the mechanical
 * `mask=` fix: a time slice `x[:, N:, :]` needs `previous_mask[:, N:]`; an elementwise body
 * keeps `previous_mask`; a body that removes the time axis legitimately drops the mask.
 */
import type { JsonValue, LambdaExpr, LambdaFunction, Range, SliceItem } from '../ir';
import type { Ctx } from '../objects/context';
import { field, named, rangeOf, type Syntax } from '../python/syntax';
import { toJson, type FuncValue, type Value } from '../objects/values';

class Untranslatable extends Error {
  constructor(
    message: string,
    readonly node: Syntax,
  ) {
    super(message);
  }
}

/** Backend function names → the runtime's normalised names. */
const FUNCTIONS: Record<string, string> = {
  sum: 'sum', reduce_sum: 'sum', mean: 'mean', reduce_mean: 'mean', max: 'max', reduce_max: 'max', min: 'min', reduce_min: 'min',
  prod: 'prod', reduce_prod: 'prod', any: 'any', reduce_any: 'any', all: 'all', reduce_all: 'all', std: 'std', reduce_std: 'std',
  expand_dims: 'expand_dims', squeeze: 'squeeze', exp: 'exp', log: 'log', abs: 'abs', square: 'square', sqrt: 'sqrt',
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', softplus: 'softplus', elu: 'elu', gelu: 'gelu',
  cast: 'cast', not_equal: 'not_equal', equal: 'equal', greater: 'greater', less: 'less', greater_equal: 'greater_equal', less_equal: 'less_equal',
  maximum: 'maximum', minimum: 'minimum', clip: 'clip', clip_by_value: 'clip', concatenate: 'concatenate', concat: 'concatenate',
  stack: 'stack', transpose: 'transpose', permute_dimensions: 'transpose', reshape: 'reshape', reverse: 'reverse', flip: 'reverse',
  cumsum: 'cumsum', l2_normalize: 'l2_normalize', ones_like: 'ones_like', zeros_like: 'zeros_like', pow: 'pow', power: 'pow',
  matmul: 'matmul', dot: 'matmul', batch_dot: 'matmul', argmax: 'argmax', argmin: 'argmin', logical_and: 'logical_and',
  logical_or: 'logical_or', logical_not: 'logical_not', where: 'where', negative: 'negative', square_root: 'sqrt',
};

const MODULES = /^(keras\.backend|keras\.ops|keras\.activations|tensorflow|tensorflow\.math|tensorflow\.nn|numpy)\.([A-Za-z_]+)$/;

/** Elementwise functions: they keep every axis, so the mask carries over unchanged. */
const ELEMENTWISE = new Set(['exp', 'log', 'abs', 'square', 'sqrt', 'relu', 'sigmoid', 'tanh', 'softplus', 'elu', 'gelu', 'cast', 'maximum', 'minimum', 'clip', 'pow', 'negative', 'softmax', 'l2_normalize']);

export interface TranslatedLambda {
  fn: LambdaFunction | null;
  problem: { message: string; range: Range } | null;
  /** The body expression's syntax (for the mask fix), when the function is one expression. */
  bodyNode: Syntax | null;
  params: string[];
}

interface Env {
  params: string[];
  locals: Map<string, LambdaExpr>;
  fn: FuncValue;
}

/**
 * The function's parameters: the first `positional` are what Keras passes (`inputs`; a mask
 * function gets `inputs, mask`), whatever their defaults; later ones with defaults are constants.
 */
function parameters(ctx: Ctx, fn: FuncValue, positional: number): { names: string[]; defaults: Map<string, Value> } {
  const list = field(fn.node, 'parameters');
  const names: string[] = [];
  const defaults = new Map<string, Value>();
  if (!list) return { names, defaults };
  named(list).forEach((p, i) => {
    if (p.type === 'identifier') names.push(p.text);
    else if (p.type === 'typed_parameter') {
      const id = named(p).find((c) => c.type === 'identifier');
      if (id) names.push(id.text);
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const name = field(p, 'name')?.text;
      if (name && i < positional) names.push(name);
      else if (name) defaults.set(name, ctx.evaluator.evaluate(field(p, 'value'), fn.scope));
    }
  });
  return { names, defaults };
}

/** The single expression a function computes: a lambda's body, or a def's `return` (after simple local assignments). */
function bodyOf(fn: FuncValue): { expr: Syntax | null; assigns: [string, Syntax][] } {
  const body = field(fn.node, 'body');
  if (!body) return { expr: null, assigns: [] };
  if (fn.node.type === 'lambda') return { expr: body, assigns: [] };
  const assigns: [string, Syntax][] = [];
  for (const stmt of named(body)) {
    if (stmt.type === 'return_statement') return { expr: named(stmt)[0] ?? null, assigns };
    if (stmt.type === 'expression_statement') {
      const inner = named(stmt)[0];
      if (inner?.type === 'string') continue; // docstring
      if (inner?.type === 'assignment') {
        const left = field(inner, 'left');
        const right = field(inner, 'right');
        if (left?.type === 'identifier' && right) {
          assigns.push([left.text, right]);
          continue;
        }
      }
    }
    if (stmt.type === 'pass_statement') continue;
    throw new Untranslatable('only a single `return` expression (after simple assignments) can be translated', stmt);
  }
  return { expr: null, assigns };
}

/** `positional`: how many arguments Keras passes (1 for a Lambda's function, 2 for its mask function). */
export function translateFunction(ctx: Ctx, fn: FuncValue, positional = 1): TranslatedLambda {
  const { names, defaults } = parameters(ctx, fn, positional);
  const source = fn.node.text;
  let bodyNode: Syntax | null = null;
  try {
    const { expr, assigns } = bodyOf(fn);
    bodyNode = expr;
    if (!expr) throw new Untranslatable('the function returns nothing MaskLens can read', fn.node);
    const env: Env = { params: names, locals: new Map(), fn };
    for (const [name, value] of defaults) {
      const c = toJson(value);
      if (typeof c === 'number' || typeof c === 'boolean' || c === null) env.locals.set(name, { op: 'const', value: c });
    }
    for (const [name, rhs] of assigns) env.locals.set(name, translate(ctx, rhs, env));
    const body = translate(ctx, expr, env);
    return { fn: { params: names, body, source }, problem: null, bodyNode, params: names };
  } catch (error) {
    if (error instanceof Untranslatable) {
      return {
        fn: null,
        problem: { message: `MaskLens cannot translate \`${error.node.text.slice(0, 80)}\` in this function (${error.message}); the runtime cannot execute this Lambda.`, range: rangeOf(error.node) },
        bodyNode,
        params: names,
      };
    }
    throw error;
  }
}

function constant(ctx: Ctx, node: Syntax, env: Env): LambdaExpr | null {
  if (node.type === 'identifier') {
    const local = env.locals.get(node.text);
    if (local) return local.op === 'const' ? local : null;
  }
  if (env.locals.size > 0 && usesLocal(node, env)) return null;
  const v = ctx.evaluator.evaluate(node, env.fn.scope);
  if (v.t === 'num') return { op: 'const', value: v.v };
  if (v.t === 'bool') return { op: 'const', value: v.v };
  if (v.t === 'none') return { op: 'const', value: null };
  return null;
}

const BINARY: Record<string, '+' | '-' | '*' | '/' | '**'> = { '+': '+', '-': '-', '*': '*', '/': '/', '**': '**' };
const COMPARE = new Set(['==', '!=', '>', '<', '>=', '<=']);

function translate(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  ctx.step();
  if (node.type !== 'identifier' && !usesParam(node, env)) {
    // Constant sub-expressions (`-1`, `N + 1`, `np.pi / 2`) fold to one value.
    const c = constant(ctx, node, env);
    if (c) return c;
  }
  switch (node.type) {
    case 'identifier': {
      const i = env.params.indexOf(node.text);
      if (i >= 0) return { op: 'param', index: i };
      const local = env.locals.get(node.text);
      if (local) return local;
      const c = constant(ctx, node, env);
      if (c) return c;
      throw new Untranslatable(`\`${node.text}\` is not a parameter or a constant the source fixes`, node);
    }
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none': {
      const c = constant(ctx, node, env);
      if (c) return c;
      throw new Untranslatable('unsupported literal', node);
    }
    case 'parenthesized_expression': {
      const inner = named(node)[0];
      if (!inner) throw new Untranslatable('empty expression', node);
      return translate(ctx, inner, env);
    }
    case 'unary_operator': {
      const op = field(node, 'operator')?.text;
      const operand = translate(ctx, field(node, 'argument') ?? node, env);
      if (op === '-') return { op: 'unary', operator: '-', operand };
      if (op === '+') return operand;
      throw new Untranslatable(`operator ${op}`, node);
    }
    case 'not_operator':
      return { op: 'unary', operator: 'not', operand: translate(ctx, field(node, 'argument') ?? node, env) };
    case 'binary_operator': {
      const op = field(node, 'operator')?.text ?? '';
      const operator = BINARY[op];
      if (!operator) throw new Untranslatable(`operator ${op}`, node);
      return { op: 'binary', operator, left: translate(ctx, field(node, 'left') ?? node, env), right: translate(ctx, field(node, 'right') ?? node, env) };
    }
    case 'boolean_operator': {
      const op = field(node, 'operator')?.text;
      if (op !== 'and' && op !== 'or') throw new Untranslatable(`operator ${op}`, node);
      return { op: 'binary', operator: op, left: translate(ctx, field(node, 'left') ?? node, env), right: translate(ctx, field(node, 'right') ?? node, env) };
    }
    case 'comparison_operator': {
      const operands = named(node);
      const op = node.children.find((c) => c && COMPARE.has(c.type))?.type;
      if (operands.length !== 2 || !op) throw new Untranslatable('chained or unsupported comparison', node);
      return { op: 'binary', operator: op as '==', left: translate(ctx, operands[0], env), right: translate(ctx, operands[1], env) };
    }
    case 'subscript':
      return { op: 'slice', target: translate(ctx, field(node, 'value') ?? node, env), items: sliceItems(ctx, node, env) };
    case 'call':
      return translateCall(ctx, node, env);
    case 'attribute': {
      const c = constant(ctx, node, env);
      if (c) return c;
      throw new Untranslatable('attribute access', node);
    }
    default: {
      const c = constant(ctx, node, env);
      if (c) return c;
      throw new Untranslatable(`unsupported expression (${node.type})`, node);
    }
  }
}

function sliceBound(ctx: Ctx, node: Syntax | null, env: Env): number | null {
  if (!node) return null;
  const e = usesParam(node, env) ? translate(ctx, node, env) : constant(ctx, node, env);
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
      const parts: (Syntax | null)[] = [null, null, null];
      let slot = 0;
      for (const c of child.children) {
        if (!c) continue;
        if (c.type === ':') slot++;
        else if (c.type !== 'comment' && slot < 3) parts[slot] = c;
      }
      items.push({ kind: 'range', start: sliceBound(ctx, parts[0], env), stop: sliceBound(ctx, parts[1], env), step: sliceBound(ctx, parts[2], env) });
    } else {
      const e = usesParam(child, env) ? translate(ctx, child, env) : constant(ctx, child, env);
      if (e?.op === 'const' && e.value === null) items.push({ kind: 'newaxis' });
      else if (e?.op === 'const' && typeof e.value === 'number' && Number.isInteger(e.value)) items.push({ kind: 'index', index: e.value });
      else throw new Untranslatable('indices must be integers the source fixes', child);
    }
  }
  return items;
}

function translateCall(ctx: Ctx, node: Syntax, env: Env): LambdaExpr {
  const callee = field(node, 'function');
  if (!callee) throw new Untranslatable('call', node);
  const target = ctx.evaluator.evaluate(callee, env.fn.scope);
  const m = target.t === 'ref' ? MODULES.exec(target.qual) : null;
  // Python's builtin abs() (when the file does not rebind the name) works on tensors too.
  const builtin = callee.type === 'identifier' && callee.text === 'abs' && target.t !== 'func' ? 'abs' : undefined;
  const fn = m ? FUNCTIONS[m[2]] : builtin;
  if (!fn) throw new Untranslatable(`\`${callee.text}\` is not a function MaskLens can execute`, callee);
  const args: LambdaExpr[] = [];
  const kwargs: Record<string, LambdaExpr | JsonValue> = {};
  const list = field(node, 'arguments');
  for (const arg of list ? named(list) : []) {
    if (arg.type === 'keyword_argument') {
      const name = field(arg, 'name')?.text;
      const value = field(arg, 'value');
      if (!name || !value) continue;
      const j = toJson(ctx.evaluator.evaluate(value, env.fn.scope));
      kwargs[name] = j !== undefined && !usesParam(value, env) ? j : translate(ctx, value, env);
    } else if (arg.type === 'list' || arg.type === 'tuple') {
      // concatenate([a, b], axis=...) / stack: a list of expressions.
      for (const item of named(arg)) args.push(translate(ctx, item, env));
    } else args.push(translate(ctx, arg, env));
  }
  return { op: 'call', fn, args, kwargs };
}

function usesLocal(node: Syntax, env: Env): boolean {
  if (node.type === 'identifier') return env.locals.has(node.text);
  return named(node).some((c) => usesLocal(c, env));
}

function usesParam(node: Syntax, env: Env): boolean {
  if (node.type === 'identifier') return env.params.includes(node.text) || env.locals.has(node.text);
  return named(node).some((c) => usesParam(c, env));
}

export type TimeEffect =
  | { kind: 'time-slice'; itemText: string }
  | { kind: 'elementwise' }
  | { kind: 'reduces-time' }
  | { kind: 'unknown' };

/** `:` (a whole axis). */
function full(c: Syntax | undefined): boolean {
  return !!c && c.type === 'slice' && c.text.replace(/\s+/g, '') === ':';
}

/**
 * What the body does to axis 1 (time), read from its syntax so a fix can keep the user's
 * own names (`N`). `x[:, N:, :]` → a time slice with text `N:`.
 */
export function timeEffect(body: Syntax | null, params: string[], ir: LambdaExpr | null): TimeEffect {
  if (!body || !ir || params.length === 0) return { kind: 'unknown' };
  const input = params[0];
  let node = body;
  while (node.type === 'parenthesized_expression' && named(node)[0]) node = named(node)[0];
  if (node.type === 'subscript' && field(node, 'value')?.type === 'identifier' && field(node, 'value')?.text === input) {
    const items = node.childrenForFieldName('subscript').filter((c): c is Syntax => c !== null);
    if (items.length >= 2 && full(items[0])) {
      const time = items[1];
      const rest = items.slice(2);
      const restFull = rest.every((c) => full(c) || c.type === 'ellipsis');
      if (time.type === 'ellipsis') return { kind: 'elementwise' };
      if (time.type === 'slice') {
        if (full(time)) return restFull ? { kind: 'elementwise' } : featureOnly(rest);
        if (restFull) return { kind: 'time-slice', itemText: time.text.trim() };
        return { kind: 'unknown' };
      }
      return { kind: 'reduces-time' };
    }
    return { kind: 'unknown' };
  }
  return elementwise(ir) ? { kind: 'elementwise' } : reducesTime(ir) ? { kind: 'reduces-time' } : { kind: 'unknown' };
}

/** `x[:, :, :10]` slices features only: the mask carries over. Integer feature indices drop an axis but keep time. */
function featureOnly(rest: Syntax[]): TimeEffect {
  return rest.length > 0 ? { kind: 'elementwise' } : { kind: 'unknown' };
}

function elementwise(e: LambdaExpr): boolean {
  switch (e.op) {
    case 'param':
      return e.index === 0;
    case 'const':
      return true;
    case 'unary':
      return elementwise(e.operand);
    case 'binary':
      return (elementwise(e.left) && (e.right.op === 'const' || elementwise(e.right))) || (e.left.op === 'const' && elementwise(e.right));
    case 'call':
      return ELEMENTWISE.has(e.fn) && e.args.length >= 1 && elementwise(e.args[0]) && e.args.slice(1).every((a) => a.op === 'const');
    default:
      return false;
  }
}

function reducesTime(e: LambdaExpr): boolean {
  if (e.op !== 'call' || !['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'std'].includes(e.fn)) return false;
  const axis = e.kwargs.axis ?? (e.args[1]?.op === 'const' ? e.args[1].value : undefined);
  return axis === 1 || (Array.isArray(axis) && axis.includes(1)) || axis === null || axis === undefined;
}
