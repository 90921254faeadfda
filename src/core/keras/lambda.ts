/**
 * Lambda functions → `LambdaExpr` (translate.ts), with what is reported where the
 * translation stops, so the runtime can execute the Lambda.
 *
 * It also classifies what the body does to the time axis, which decides the mechanical
 * `mask=` fix: a time slice `x[:, N:, :]` needs `previous_mask[:, N:]`; an elementwise body
 * keeps `previous_mask`; a body that removes the time axis legitimately drops the mask.
 */
import type { LambdaExpr, LambdaFunction, Range } from '../ir';
import type { Ctx } from '../objects/context';
import { field, named, rangeOf, type Syntax } from '../python/syntax';
import { toJson, type FuncValue, type Value } from '../objects/values';
import { translateBlock, translateExpr, Untranslatable, type Env } from './translate';

/** Elementwise functions: they keep every axis, so the mask carries over unchanged. */
const ELEMENTWISE = new Set([
  'exp',
  'log',
  'abs',
  'square',
  'sqrt',
  'relu',
  'sigmoid',
  'tanh',
  'softplus',
  'elu',
  'gelu',
  'cast',
  'maximum',
  'minimum',
  'clip',
  'pow',
  'negative',
  'softmax',
  'l2_normalize',
]);

export interface TranslatedLambda {
  fn: LambdaFunction | null;
  problem: { message: string; range: Range } | null;
  /** The body expression's syntax (for the mask fix), when the function is one expression. */
  bodyNode: Syntax | null;
  params: string[];
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
    const bound = fn.bound?.get(p.type === 'identifier' ? p.text : (field(p, 'name')?.text ?? ''));
    if (bound && i >= positional)
      defaults.set(p.type === 'identifier' ? p.text : (field(p, 'name')?.text ?? ''), bound);
    else if (p.type === 'identifier') names.push(p.text);
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

/** The single expression a function computes, when it is one: a lambda's body, or a def's lone `return` after docstrings. */
function singleExpression(fn: FuncValue): Syntax | null {
  const body = field(fn.node, 'body');
  if (!body) return null;
  if (fn.node.type === 'lambda') return body;
  const statements = named(body).filter(
    (s) => !(s.type === 'expression_statement' && named(s)[0]?.type === 'string') && s.type !== 'pass_statement',
  );
  const last = statements[statements.length - 1];
  return statements.length === 1 && last?.type === 'return_statement' ? (named(last)[0] ?? null) : null;
}

/**
 * `positional`: how many arguments Keras passes (1 for a Lambda's function, 2 for its mask
 * function or a loss). Parameters after them read their defaults, or the keywords
 * `functools.partial` bound.
 */
export function translateFunction(
  ctx: Ctx,
  fn: FuncValue,
  positional = 1,
  what = 'this Lambda',
  /** It runs inside Keras' compiled step (a metric): see Env.graph. */
  graph = false,
): TranslatedLambda {
  const { names, defaults } = parameters(ctx, fn, positional);
  const source = fn.node.text;
  const bodyNode = singleExpression(fn);
  try {
    const env: Env = { params: names, locals: new Map(), fn, scope: fn.scope, self: null, depth: 0, graph };
    for (const [name, value] of defaults) {
      const c = toJson(value);
      if (typeof c === 'number' || typeof c === 'boolean' || c === null)
        env.locals.set(name, { op: 'const', value: c });
    }
    const body = field(fn.node, 'body');
    if (!body) throw new Untranslatable('the function has no body', fn.node);
    const expr = fn.node.type === 'lambda' ? translateExpr(ctx, body, env) : translateBlock(ctx, named(body), env);
    if (expr.op === 'const' && expr.value === null && fn.node.type !== 'lambda')
      throw new Untranslatable('the function returns nothing MaskLens can read', fn.node);
    return { fn: { params: names, body: expr, source }, problem: null, bodyNode, params: names };
  } catch (error) {
    if (error instanceof Untranslatable) {
      return {
        fn: null,
        problem: {
          message: `MaskLens cannot translate \`${error.node.text.slice(0, 80)}\` in this function (${error.message}); the runtime cannot execute ${what}.`,
          range: rangeOf(error.node),
        },
        bodyNode,
        params: names,
      };
    }
    throw error;
  }
}

export type TimeEffect =
  { kind: 'time-slice'; itemText: string } | { kind: 'elementwise' } | { kind: 'reduces-time' } | { kind: 'unknown' };

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
  if (
    node.type === 'subscript' &&
    field(node, 'value')?.type === 'identifier' &&
    field(node, 'value')?.text === input
  ) {
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
      return (
        (elementwise(e.left) && (e.right.op === 'const' || elementwise(e.right))) ||
        (e.left.op === 'const' && elementwise(e.right))
      );
    case 'call':
      return (
        ELEMENTWISE.has(e.fn) &&
        e.args.length >= 1 &&
        elementwise(e.args[0]) &&
        e.args.slice(1).every((a) => a.op === 'const')
      );
    default:
      return false;
  }
}

function reducesTime(e: LambdaExpr): boolean {
  if (e.op !== 'call' || !['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'std'].includes(e.fn)) return false;
  const axis = e.kwargs.axis ?? (e.args[1]?.op === 'const' ? e.args[1].value : undefined);
  return axis === 1 || (Array.isArray(axis) && axis.includes(1)) || axis === null || axis === undefined;
}
