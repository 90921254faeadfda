/**
 * Expressions: constant folding (literals, tuples, arithmetic, names assigned earlier,
 * `len()` of literals) and Keras objects. Whatever a static reader cannot know becomes an
 * `unknown` value keyed by the source text that produced it (`timesteps`, `x.shape[1]`),
 * so it can surface as an unresolved dimension the user may supply.
 */
import type { CallArgs, SubscriptItem } from '../objects/arguments';
import { callValue } from './calls';
import { bounded, reportLimit, stringFits } from '../objects/bounds';
import { type Ctx, MAX_EXPR_DEPTH } from '../objects/context';
import { attribute, canonical } from './imports';
import { CLASS_ALIASES, isLayerClass, MERGE_HELPERS } from '../layers/index';
import { arrayAttribute, sliceShape } from '../numpy/arrays';
import { tableAttribute, tableSubscript } from '../numpy/pandasColumns';
import { assignTarget, forgetLoadedFile } from './assign';
import { layerAttribute, modelAttribute, tensorAttribute } from '../keras/attributes';
import { tensorArithmetic, tensorComparison } from '../keras/tensorOps';
import { tensorSubscript } from '../keras/tensorSlice';
import { binary, comparison, sameConstant, unary } from './operators';
import { LARGE_LITERAL_CHARS, numericLiteral } from './literals';
import { fString } from './strings';
import { compact, field, isForeign, named, rangeOf, sliceParts, stringValue, type Syntax } from '../python/syntax';
import {
  asInt,
  bool,
  findMethod,
  iterate,
  loadedFile,
  NONE,
  num,
  ref,
  Scope,
  seq,
  str,
  truthy,
  unknown,
  type LoadedFile,
  type Value,
} from '../objects/values';

const BUILTINS = new Set([
  'len',
  'range',
  'int',
  'float',
  'str',
  'bool',
  'tuple',
  'list',
  'dict',
  'min',
  'max',
  'abs',
  'round',
  'sum',
  'print',
  'isinstance',
  'super',
  'enumerate',
  'zip',
  'sorted',
  'reversed',
  'set',
  'type',
  'open',
  'getattr',
  'repr',
]);

const CONSTANTS: Record<string, number> = {
  'numpy.nan': NaN,
  'numpy.NaN': NaN,
  'numpy.NAN': NaN,
  'math.nan': NaN,
  'numpy.inf': Infinity,
  'numpy.Inf': Infinity,
  'math.inf': Infinity,
  'numpy.pi': Math.PI,
  'math.pi': Math.PI,
  'numpy.e': Math.E,
  'math.e': Math.E,
};

/** Names a `from M import *` makes visible, for the Keras modules people star-import. */
function wildcardName(module: string, name: string): string | null {
  const isModel = name === 'Sequential' || name === 'Model';
  if ((module === 'keras.models' || module === 'keras') && (isModel || name === 'Input')) return `${module}.${name}`;
  if (
    module === 'keras.layers' &&
    !isModel &&
    (isLayerClass(name) ||
      Object.hasOwn(CLASS_ALIASES, name) ||
      Object.hasOwn(MERGE_HELPERS, name) ||
      /^[A-Z]/.test(name))
  )
    return `keras.layers.${name}`;
  if (module === 'keras.backend' || module === 'numpy') return `${module}.${name}`;
  return null;
}

export function lookup(ctx: Ctx, name: string, scope: Scope, node: Syntax): Value {
  const v = scope.get(name);
  if (v !== undefined) {
    if (v.t !== 'unknown') return v;
    const d = ctx.dimension(name) ?? ctx.dimension(v.key);
    if (d !== undefined) return num(d);
    const copy: Value = { ...v, key: v.key ?? name, range: rangeOf(node) };
    if (v.file && !loadedFile(v)) delete copy.file;
    return copy;
  }
  if (name === '__name__') return str('__main__');
  if (BUILTINS.has(name)) return ref(`builtins.${name}`);
  for (const module of ctx.wildcards) {
    const qual = wildcardName(module, name);
    if (qual) return ref(canonical(qual));
  }
  const d = ctx.dimension(name);
  if (d !== undefined) return num(d);
  return unknown(name, rangeOf(node));
}

const PLAIN_DECIMAL = /^[0-9]{1,15}$/;
const NO_KEYWORDS: ReadonlyMap<string, Value> = new Map();
const NO_KEYWORD_NODES: ReadonlyMap<string, Syntax> = new Map();

function parseInteger(text: string): Value {
  // Nearly every literal is plain decimal (units, shapes, seeds): no string copies for those.
  if (PLAIN_DECIMAL.test(text)) return num(Number(text), true);
  const t = text.replace(/_/g, '').toLowerCase();
  if (/[jl]$/.test(t)) return unknown(null);
  let n: number;
  if (t.startsWith('0x')) n = parseInt(t.slice(2), 16);
  else if (t.startsWith('0o')) n = parseInt(t.slice(2), 8);
  else if (t.startsWith('0b')) n = parseInt(t.slice(2), 2);
  else n = parseInt(t, 10);
  return Number.isFinite(n) ? num(n, true) : unknown(null);
}

function parseFloatLiteral(text: string): Value {
  const t = text.replace(/_/g, '');
  if (/j$/i.test(t)) return unknown(null);
  const n = Number(t.endsWith('.') ? `${t}0` : t);
  return Number.isNaN(n) ? unknown(null) : num(n, false);
}

export function evalExpr(ctx: Ctx, node: Syntax | null, scope: Scope): Value {
  if (!node) return unknown(null);
  ctx.step();
  if (ctx.exprDepth >= MAX_EXPR_DEPTH) {
    reportLimit(ctx, node, `this expression nests deeper than ${MAX_EXPR_DEPTH} levels`);
    return unknown(null, rangeOf(node));
  }
  ctx.exprDepth++;
  try {
    const value = evalInner(ctx, node, scope);
    return value.t === 'unknown' && ctx.hasDimensions ? suppliedDimension(ctx, value, node) : value;
  } finally {
    ctx.exprDepth--;
  }
}

/**
 * A value the source leaves open but the user supplied, keyed as the diagnostics name it: the
 * expression's own text (`len(all_words)`, `len(tokenizer.word_index)+1`) or its key.
 */
function suppliedDimension(ctx: Ctx, value: Value & { t: 'unknown' }, node: Syntax): Value {
  const d = ctx.dimension(compact(node.text)) ?? ctx.dimension(value.key);
  return d === undefined ? value : num(d);
}

function evalInner(ctx: Ctx, node: Syntax, scope: Scope): Value {
  switch (node.type) {
    case 'integer':
      return parseInteger(node.text);
    case 'float':
      return parseFloatLiteral(node.text);
    case 'true':
      return bool(true);
    case 'false':
      return bool(false);
    case 'none':
      return NONE;
    case 'ellipsis':
      return unknown('...');
    case 'string':
    case 'concatenated_string': {
      const s = stringValue(node);
      if (s !== null) return str(s);
      return formattedString(ctx, node, scope) ?? unknown(null, rangeOf(node));
    }
    case 'identifier':
      return lookup(ctx, node.text, scope, node);
    case 'parenthesized_expression': {
      const inner = named(node)[0];
      return evalExpr(ctx, inner ?? null, scope);
    }
    case 'tuple':
    case 'list': {
      // The parser saw a large literal of numbers blanked (python/blanking.ts): its numbers are in the file's text.
      const large =
        node.endIndex - node.startIndex >= LARGE_LITERAL_CHARS
          ? numericLiteral(isForeign(node) ? node.text : ctx.text.slice(node.startIndex, node.endIndex))
          : null;
      if (large) {
        ctx.work(node.endIndex - node.startIndex);
        return bounded(ctx, node, large);
      }
      return bounded(ctx, node, seq(evalItems(ctx, named(node), scope), node.type === 'list'));
    }
    case 'expression_list':
    case 'set':
      return bounded(ctx, node, seq(evalItems(ctx, named(node), scope)));
    case 'dictionary':
      return bounded(ctx, node, evalDict(ctx, node, scope));
    case 'attribute':
      return evalAttribute(ctx, node, scope);
    case 'subscript':
      return evalSubscript(ctx, node, scope);
    case 'binary_operator': {
      const left = evalExpr(ctx, field(node, 'left'), scope);
      const operator = field(node, 'operator')?.text ?? '';
      const right = evalExpr(ctx, field(node, 'right'), scope);
      return tensorArithmetic(ctx, operator, left, right, node) ?? binary(ctx, node, left, operator, right);
    }
    case 'unary_operator':
      return unary(field(node, 'operator')?.text ?? '', evalExpr(ctx, field(node, 'argument'), scope), node);
    case 'not_operator': {
      const t = truthy(evalExpr(ctx, field(node, 'argument'), scope));
      return t === null ? unknown(null, rangeOf(node)) : bool(!t);
    }
    case 'boolean_operator':
      return booleanOp(ctx, node, scope);
    case 'comparison_operator': {
      const operands = named(node);
      const values = operands.map((n) => evalExpr(ctx, n, scope));
      if (values.length === 2 && values[0].t === 'tensor') {
        const operator = node.children.find((c) => c !== null && !c.isNamed)?.text ?? '';
        const operation = tensorComparison(ctx, operator, values[0], values[1], node);
        if (operation) return operation;
      }
      return comparison(node, operands, values);
    }
    case 'conditional_expression': {
      const [body, cond, other] = named(node);
      const t = truthy(evalExpr(ctx, cond ?? null, scope));
      // Undecidable conditions take the first branch: a best-effort reading, like `if`.
      return evalExpr(ctx, t === false ? (other ?? null) : (body ?? null), scope);
    }
    case 'call':
      return evalCall(ctx, node, scope);
    case 'lambda': {
      return { t: 'func', fn: { name: '<lambda>', node, scope } };
    }
    case 'named_expression': {
      const value = evalExpr(ctx, field(node, 'value'), scope);
      const target = field(node, 'name');
      if (target) assignTarget(ctx, target, value, scope, node);
      return value;
    }
    case 'list_comprehension':
    case 'generator_expression':
      return comprehension(ctx, node, scope);
    default:
      return unknown(null, rangeOf(node));
  }
}

/** An f-string (or adjacent strings holding one), its fields evaluated here; null when not one. */
function formattedString(ctx: Ctx, node: Syntax, scope: Scope): Value | null {
  const parts = node.type === 'concatenated_string' ? named(node) : [node];
  let out = '';
  for (const part of parts) {
    const plain = stringValue(part);
    if (plain !== null) {
      out += plain;
      continue;
    }
    const prefix = part.firstChild?.type === 'string_start' ? part.firstChild.text.toLowerCase() : '';
    if (!prefix.includes('f')) return null;
    const value = fString(ctx, part, prefix.includes('r'), (expression) => evalExpr(ctx, expression, scope));
    if (value.t !== 'str') return unknown(null, rangeOf(node));
    if (!stringFits(ctx, node, out.length + value.v.length)) return unknown(null, rangeOf(node));
    out += value.v;
  }
  return str(out);
}

/** `and` / `or` with Python's short circuit; an undecidable left side still reads the right one. */
function booleanOp(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const left = evalExpr(ctx, field(node, 'left'), scope);
  const op = field(node, 'operator')?.text;
  const t = truthy(left);
  if (t === null) {
    evalExpr(ctx, field(node, 'right'), scope);
    return unknown(null, rangeOf(node));
  }
  if (op === 'and') return t ? evalExpr(ctx, field(node, 'right'), scope) : left;
  return t ? left : evalExpr(ctx, field(node, 'right'), scope);
}

/** List/tuple items, expanding `*xs` when xs is known. */
function evalItems(ctx: Ctx, nodes: readonly Syntax[], scope: Scope): Value[] {
  const out: Value[] = [];
  for (const n of nodes) {
    if (n.type === 'list_splat' || n.type === 'parenthesized_list_splat') {
      const v = evalExpr(ctx, named(n)[0] ?? null, scope);
      if (v.t === 'seq') {
        ctx.work(v.items.length);
        for (const item of v.items) out.push(item);
      } else out.push(unknown(null, rangeOf(n)));
    } else out.push(evalExpr(ctx, n, scope));
  }
  return out;
}

function evalDict(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const keys: Value[] = [];
  const values: Value[] = [];
  for (const pair of named(node)) {
    if (pair.type !== 'pair') continue;
    keys.push(evalExpr(ctx, field(pair, 'key'), scope));
    values.push(evalExpr(ctx, field(pair, 'value'), scope));
  }
  return { t: 'dict', keys, values };
}

function evalAttribute(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const object = evalExpr(ctx, field(node, 'object'), scope);
  const name = field(node, 'attribute')?.text ?? '';
  return getAttribute(ctx, object, name, node);
}

export function getAttribute(ctx: Ctx, object: Value, name: string, node: Syntax): Value {
  switch (object.t) {
    case 'ref': {
      const qual = attribute(object.qual, name);
      if (qual in CONSTANTS) return num(CONSTANTS[qual], false);
      if (qual === 'numpy.newaxis' || qual === 'tensorflow.newaxis') return NONE;
      return ref(qual);
    }
    case 'unknown': {
      if (object.file) {
        const file = tableAttribute(object.file, name);
        if (file) return { ...object, file, range: rangeOf(node) };
        if (name === 'drop' && object.file.table === 'frame') return { t: 'method', self: object, name };
      }
      const key = compact(node.text);
      const d = ctx.dimension(key);
      return d !== undefined ? num(d) : unknown(object.key === null ? null : key, rangeOf(node));
    }
    case 'array':
      return arrayAttribute(ctx, object, name, node);
    case 'tensor':
      return tensorAttribute(object, name);
    case 'layer':
      return layerAttribute(object, name, node);
    case 'model':
      return modelAttribute(object, name, node);
    case 'instance': {
      const own = object.inst.attrs.get(name);
      if (own) return own;
      const method = findMethod(object.inst.cls, name);
      if (method) return { t: 'method', self: object, name };
      if (object.inst.model) return modelAttribute({ t: 'model', model: object.inst.model }, name, node);
      // A custom layer's own weights, and its Keras base class' __init__ (calls.ts hands them to the Keras stubs).
      if (object.inst.layer && (name === 'add_weight' || name === '__init__'))
        return { t: 'method', self: object, name };
      return unknown(null, rangeOf(node));
    }
    case 'class': {
      const method = findMethod(object.cls, name);
      return method ? { t: 'func', fn: method } : unknown(null, rangeOf(node));
    }
    case 'module':
      return object.scope.get(name) ?? unknown(name, rangeOf(node));
    case 'seq':
    case 'dict':
    case 'str':
    case 'super':
      return { t: 'method', self: object, name };
    default:
      return unknown(null, rangeOf(node));
  }
}

export function subscriptItems(ctx: Ctx, node: Syntax, scope: Scope): SubscriptItem[] {
  const items: SubscriptItem[] = [];
  for (const child of node.childrenForFieldName('subscript')) {
    if (!child) continue;
    if (child.type === 'slice') items.push(sliceItem(ctx, child, scope));
    else if (child.type === 'ellipsis') items.push({ kind: 'ellipsis' });
    else items.push({ kind: 'index', value: evalExpr(ctx, child, scope) });
  }
  return items;
}

/** `a:b:c` with any part missing. */
function sliceItem(ctx: Ctx, node: Syntax, scope: Scope): SubscriptItem {
  const parts = sliceParts(node);
  return {
    kind: 'slice',
    start: slicePart(ctx, parts[0], scope),
    stop: slicePart(ctx, parts[1], scope),
    step: slicePart(ctx, parts[2], scope),
    node,
  };
}

function slicePart(ctx: Ctx, n: Syntax | null, scope: Scope): Value {
  return n ? evalExpr(ctx, n, scope) : NONE;
}

/** `np.load('d.npz')['x']`: the member of an `.npz` file the code picks by name. */
function npzMember(file: LoadedFile, item: SubscriptItem): LoadedFile | null {
  if (file.key !== undefined || !/\.npz$/i.test(file.path) || item.kind !== 'index' || item.value.t !== 'str')
    return null;
  return { ...file, key: item.value.v };
}

function evalSubscript(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const value = evalExpr(ctx, field(node, 'value'), scope);
  const items = subscriptItems(ctx, node, scope);
  if (value.t === 'seq' && items.length === 1) {
    const item = items[0];
    if (item.kind === 'index') {
      const i = asInt(item.value);
      if (i !== null) {
        const at = i < 0 ? value.items.length + i : i;
        return value.items[at] ?? unknown(null, rangeOf(node));
      }
    } else if (item.kind === 'slice') {
      const start = item.start.t === 'none' ? null : asInt(item.start);
      const stop = item.stop.t === 'none' ? null : asInt(item.stop);
      const step = item.step.t === 'none' ? 1 : asInt(item.step);
      if (step === 1 && (start !== null || item.start.t === 'none') && (stop !== null || item.stop.t === 'none')) {
        return seq(value.items.slice(start ?? undefined, stop ?? undefined), value.list);
      }
    }
  }
  if (value.t === 'dict' && items.length === 1 && items[0].kind === 'index') {
    const key = items[0].value;
    const i = value.keys.findIndex((k) => sameConstant(k, key));
    if (i >= 0) return value.values[i];
  }
  if (value.t === 'str' && items.length === 1 && items[0].kind === 'index') {
    const i = asInt(items[0].value);
    if (i !== null) return str(value.v.at(i) ?? '');
  }
  if (value.t === 'array') {
    const shape = sliceShape(value.shape, items);
    if (shape) return { ...value, shape, data: null };
  }
  if (value.t === 'tensor') {
    const sliced = tensorSubscript(ctx, value.tensor, items, node);
    if (sliced) return sliced;
    ctx.report(
      'unsupported-construct',
      'information',
      'Slicing a symbolic Keras tensor with an index MaskLens cannot read creates a Keras operation it does not model; wrap it in a Lambda layer so the mask can be followed.',
      rangeOf(node),
    );
    return unknown(null, rangeOf(node));
  }
  const member =
    value.t === 'unknown' && value.file
      ? ((items.length === 1 ? npzMember(value.file, items[0]) : null) ??
        tableSubscript(value.file, items, rangeOf(node).start.line + 1))
      : null;
  if (member) return { t: 'unknown', key: null, range: rangeOf(node), file: member };
  const key = compact(node.text);
  const d = ctx.dimension(key);
  if (d !== undefined) return num(d);
  return unknown(value.t === 'unknown' ? key : null, rangeOf(node));
}

/** `[f(x) for x in xs if c]` over a known iterable (one `for` clause); otherwise unknown. */
function comprehension(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const parts = named(node);
  const body = field(node, 'body') ?? parts[0];
  const clauses = parts.filter((p) => p.type === 'for_in_clause' || p.type === 'if_clause');
  if (
    !body ||
    clauses.length === 0 ||
    clauses[0].type !== 'for_in_clause' ||
    clauses.filter((c) => c.type === 'for_in_clause').length > 1
  ) {
    return unknown(null, rangeOf(node));
  }
  const forClause = clauses[0];
  const iterable = iterate(evalExpr(ctx, field(forClause, 'right'), scope));
  const target = field(forClause, 'left');
  if (!iterable || !target) return unknown(null, rangeOf(node));
  const out: Value[] = [];
  ctx.within(node, true, () => {
    for (const item of iterable) {
      const inner = new Scope(scope);
      assignTarget(ctx, target, item, inner, forClause);
      const pass = clauses.slice(1).every((c) => truthy(evalExpr(ctx, named(c)[0] ?? null, inner)) !== false);
      if (pass) out.push(evalExpr(ctx, body, inner));
    }
  });
  return bounded(ctx, node, seq(out, node.type === 'list_comprehension'));
}

export function evalCall(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const fn = field(node, 'function');
  const callee = evalExpr(ctx, fn, scope);
  const args = evalArgs(ctx, node, scope);
  changedByInplace(fn, args, scope);
  return callValue(ctx, callee, args, scope);
}

/** `df.dropna(inplace=True)`, `df.rename(..., inplace=True)`: the table a name holds no longer has the file's values. */
function changedByInplace(fn: Syntax | null, args: CallArgs, scope: Scope): void {
  const inplace = args.kw.get('inplace');
  if (!inplace || (inplace.t === 'bool' && !inplace.v) || fn?.type !== 'attribute') return;
  forgetLoadedFile(fn, scope);
}

/** Keyword maps are made on the first keyword: many calls (`len(x)`, `Dropout(0.2)`) have none. */
function setKeyword(args: CallArgs, name: string, value: Value, valueNode: Syntax | null, whole: Syntax): void {
  if (args.kw === NO_KEYWORDS) {
    args.kw = new Map<string, Value>();
    args.kwNodes = new Map<string, Syntax>();
    args.kwNameNodes = new Map<string, Syntax>();
  }
  // Only evalArgs writes these maps, and only the ones it made just above.
  (args.kw as Map<string, Value>).set(name, value);
  if (valueNode) (args.kwNodes as Map<string, Syntax>).set(name, valueNode);
  (args.kwNameNodes as Map<string, Syntax>).set(name, whole);
}

export function evalArgs(ctx: Ctx, node: Syntax, scope: Scope): CallArgs {
  const args: CallArgs = {
    pos: [],
    posNodes: [],
    kw: NO_KEYWORDS,
    kwNodes: NO_KEYWORD_NODES,
    kwNameNodes: NO_KEYWORD_NODES,
    starred: false,
    node,
    argList: field(node, 'arguments'),
  };
  const list = args.argList;
  if (!list) return args;
  if (list.type === 'generator_expression') {
    args.pos.push(evalExpr(ctx, list, scope));
    args.posNodes.push(list);
    return args;
  }
  for (const child of named(list)) {
    const type = child.type;
    if (type === 'keyword_argument') {
      // children: name "=" value (the named ones are exactly name and value)
      const kids = child.namedChildren;
      const name = kids[0] ?? null;
      const value = kids[1] ?? null;
      if (!name || name.type === 'comment' || value?.type === 'comment') continue;
      setKeyword(args, name.text, evalExpr(ctx, value, scope), value, child);
    } else if (type === 'list_splat') {
      const v = evalExpr(ctx, named(child)[0] ?? null, scope);
      if (v.t === 'seq') {
        for (const item of v.items) {
          args.pos.push(item);
          args.posNodes.push(child);
        }
      } else args.starred = true;
    } else if (type === 'dictionary_splat') {
      const v = evalExpr(ctx, named(child)[0] ?? null, scope);
      if (v.t === 'dict') {
        v.keys.forEach((k, i) => {
          if (k.t === 'str') {
            setKeyword(args, k.v, v.values[i], child, child);
          }
        });
      } else args.starred = true;
    } else {
      args.pos.push(evalExpr(ctx, child, scope));
      args.posNodes.push(child);
    }
  }
  return args;
}
