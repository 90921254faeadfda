/**
 * Python operators over values a static reader knows: arithmetic on numbers (int-ness kept,
 * division by zero unknown), sequence concatenation and repetition (bounded: objects/bounds.ts),
 * and comparisons. They
 * take evaluated operands (`and` / `or`, which short-circuit, are expressions.ts'). Arithmetic
 * on symbolic Keras tensors is reported (Keras turns it into operations MaskLens does not
 * follow).
 */
import type { Ctx } from '../objects/context';
import { compact, rangeOf, type Syntax } from '../python/syntax';
import { asNumber, bool, num, seq, str, unknown, type Value } from '../objects/values';
import { bounded, elementsFit, stringFits } from '../objects/bounds';
import { percentFormat } from './strings';

export function sameConstant(a: Value, b: Value): boolean {
  if (a.t === 'str' && b.t === 'str') return a.v === b.v;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) return x === y;
  return a.t === 'none' && b.t === 'none';
}

export function binary(ctx: Ctx, node: Syntax, l: Value, op: string, r: Value): Value {
  const a = asNumber(l);
  const b = asNumber(r);
  if (a !== null && b !== null) {
    const bothInt = (l.t === 'num' ? l.int : true) && (r.t === 'num' ? r.int : true);
    switch (op) {
      case '+':
        return num(a + b, bothInt);
      case '-':
        return num(a - b, bothInt);
      case '*':
        return num(a * b, bothInt);
      case '/':
        return b === 0 ? unknown(null, rangeOf(node)) : num(a / b, false);
      case '//':
        return b === 0 ? unknown(null, rangeOf(node)) : num(Math.floor(a / b), bothInt);
      case '%':
        return b === 0 ? unknown(null, rangeOf(node)) : num(((a % b) + b) % b, bothInt);
      case '**':
        return num(a ** b, bothInt && b >= 0);
      case '<<':
        return num(a * 2 ** b, true);
      case '>>':
        return num(Math.floor(a / 2 ** b), true);
      default:
        return unknown(null, rangeOf(node));
    }
  }
  if (l.t === 'seq' && r.t === 'seq' && op === '+') {
    const length = l.items.length + r.items.length;
    if (!elementsFit(ctx, node, 0, length, kindName(l))) return unknown(null, rangeOf(node));
    ctx.work(length);
    return bounded(ctx, node, seq(l.items.concat(r.items), l.list));
  }
  if (l.t === 'seq' && op === '*' && b !== null && Number.isInteger(b)) {
    const length = Math.max(0, b) * l.items.length;
    if (!elementsFit(ctx, node, 0, length, kindName(l))) return unknown(null, rangeOf(node));
    ctx.work(length);
    return bounded(
      ctx,
      node,
      seq(
        Array.from({ length }, (_, i) => l.items[i % l.items.length]),
        l.list,
      ),
    );
  }
  if (l.t === 'str' && r.t === 'str' && op === '+') {
    if (!stringFits(ctx, node, l.v.length + r.v.length)) return unknown(null, rangeOf(node));
    return str(l.v + r.v);
  }
  if (l.t === 'str' && op === '%') return percentFormat(ctx, node, l.v, r);
  if (l.t === 'str' && op === '*' && b !== null && Number.isInteger(b)) {
    if (!stringFits(ctx, node, Math.max(0, b) * l.v.length)) return unknown(null, rangeOf(node));
    ctx.work(Math.max(0, b) * l.v.length);
    return str(l.v.repeat(Math.max(0, b)));
  }
  if (l.t === 'array' && (r.t === 'num' || r.t === 'array')) return { ...l, data: null, fill: null };
  if (r.t === 'array' && l.t === 'num') return { ...r, data: null, fill: null };
  if (l.t === 'tensor' || r.t === 'tensor') {
    ctx.report(
      'unsupported-construct',
      'information',
      `Arithmetic on symbolic Keras tensors (\`${op}\`) creates Keras operations that MaskLens does not model; the mask is not followed through it. Use a layer (Add, Multiply, Lambda) instead.`,
      rangeOf(node),
    );
  }
  // Keep the unknown's key when one side is unknown: `timesteps - N` stays unresolved with a readable key.
  return unknown(l.t === 'unknown' || r.t === 'unknown' ? compact(node.text) : null, rangeOf(node));
}

function kindName(v: Value & { t: 'seq' }): string {
  return v.list ? 'list' : 'tuple';
}

export function unary(op: string, v: Value, node: Syntax): Value {
  const n = asNumber(v);
  if (n !== null) {
    if (op === '-') return num(-n, v.t === 'num' ? v.int : true);
    if (op === '+') return num(n, v.t === 'num' ? v.int : true);
    if (op === '~') return num(-n - 1, true);
  }
  return unknown(v.t === 'unknown' ? compact(node.text) : null, rangeOf(node));
}

/** A comparison chain (`a < b <= c`) over its operands' values, in order. */
export function comparison(node: Syntax, operands: readonly Syntax[], values: Value[]): Value {
  // children: operand (op operand)+ ; operators may be two tokens ("not in", "is not").
  const ops: string[] = [];
  let pending = '';
  let seen = 0;
  for (const child of node.children) {
    if (!child) continue;
    if (seen < operands.length && child.startIndex === operands[seen].startIndex) {
      if (pending) ops.push(pending.trim());
      pending = '';
      seen++;
    } else pending += ` ${child.text}`;
  }
  let result = true;
  for (let i = 0; i < ops.length && i + 1 < values.length; i++) {
    const r = compare(values[i], ops[i], values[i + 1]);
    if (r === null) return unknown(null, rangeOf(node));
    result = result && r;
  }
  return bool(result);
}

/**
 * `a is b`, where the reader can tell: None against anything known; lists, dicts, same-file
 * objects and Keras objects by identity (the reader keeps one value per Python object). Numbers
 * and strings are left open: their identity is CPython's caching, not the program's meaning.
 */
function identical(a: Value, b: Value): boolean | null {
  if (a.t === 'unknown' || b.t === 'unknown') return null;
  if (a.t === 'none' || b.t === 'none') return a.t === b.t;
  if (a.t !== b.t) return a.t === 'num' || a.t === 'str' || a.t === 'bool' ? null : false;
  switch (a.t) {
    case 'seq':
    case 'dict':
      return a === b;
    case 'instance':
      return b.t === 'instance' && a.inst === b.inst;
    case 'layer':
      return b.t === 'layer' && a.layer === b.layer;
    case 'model':
      return b.t === 'model' && a.model === b.model;
    case 'tensor':
      return b.t === 'tensor' && a.tensor === b.tensor;
    case 'bool':
      return b.t === 'bool' && a.v === b.v;
    default:
      return null;
  }
}

/** `a in b` over a known list, tuple, dict (its keys) or string. */
function contains(a: Value, b: Value): boolean | null {
  if (b.t === 'str') return a.t === 'str' ? b.v.includes(a.v) : null;
  const items = b.t === 'seq' ? b.items : b.t === 'dict' ? b.keys : null;
  if (!items || a.t === 'unknown') return null;
  if (items.some((i) => sameConstant(i, a))) return true;
  return items.some((i) => i.t === 'unknown') ? null : false;
}

function compare(a: Value, op: string, b: Value): boolean | null {
  if (op === 'is' || op === 'is not') {
    const same = identical(a, b);
    return same === null ? null : op === 'is' ? same : !same;
  }
  if (op === 'in' || op === 'not in') {
    const hit = contains(a, b);
    return hit === null ? null : op === 'in' ? hit : !hit;
  }
  if (a.t === 'str' && b.t === 'str') {
    switch (op) {
      case '==':
        return a.v === b.v;
      case '!=':
        return a.v !== b.v;
      default:
        return null;
    }
  }
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === null || y === null) {
    if (op === '==' && a.t !== 'unknown' && b.t !== 'unknown' && a.t !== b.t && (a.t === 'none' || b.t === 'none'))
      return false;
    return null;
  }
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    default:
      return null;
  }
}
