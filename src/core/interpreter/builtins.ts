/**
 * Python's builtins (`len`, `range`, `int`, `zip`, ...) and the methods of lists and dicts,
 * over what a static reader knows; what it cannot know stays unknown, and so does what would
 * grow past the reader's bounds (objects/bounds.ts).
 */
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { rangeOf } from '../python/syntax';
import { bounded, changed, elementsFit, forgetValue, grow } from '../objects/bounds';
import { pyRepr, pyStr } from './strings';
import {
  asInt,
  asNumber,
  asString,
  bool,
  iterate,
  NONE,
  num,
  seq,
  str,
  truthy,
  unknown,
  type Value,
} from '../objects/values';

export function builtin(ctx: Ctx, name: string, args: CallArgs): Value {
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
      const [start, stop, step] =
        n.length === 1 ? [0, n[0] as number, 1] : [n[0] as number, n[1] as number, (n[2] ?? 1) as number];
      if (step === 0) return unknown(null);
      const length = Math.max(0, Math.ceil((stop - start) / step));
      if (length > 10_000) return unknown(null, rangeOf(args.node));
      return seq(
        Array.from({ length }, (_, i) => num(start + i * step)),
        true,
      );
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
      return s !== undefined && s !== '' && !Number.isNaN(Number(s))
        ? num(Number(s), false)
        : unknown(null, rangeOf(args.node));
    }
    case 'bool': {
      const t = p0 ? truthy(p0) : false;
      return t === null ? unknown(null) : bool(t);
    }
    case 'str':
    case 'repr': {
      if (!p0) return name === 'str' ? str('') : unknown(null);
      const text = name === 'str' ? pyStr(p0) : pyRepr(p0);
      return text === null ? unknown(null, rangeOf(args.node)) : str(text);
    }
    case 'tuple':
    case 'list': {
      if (!p0) return seq([], name === 'list');
      const items = iterate(p0);
      if (!items) return unknown(null, rangeOf(args.node));
      ctx.work(items.length);
      return bounded(ctx, args.node, seq(items.slice(), name === 'list'));
    }
    case 'min':
    case 'max':
    case 'sum': {
      // `key=` / `default=` change what min and max return; `sum(xs, start)` adds a start.
      if (args.starred || args.kw.size > 0 || (name === 'sum' && args.pos.length !== 1))
        return unknown(null, rangeOf(args.node));
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
      // `zip(*pairs)` over pairs the reader cannot see has no known arguments at all.
      if (args.starred) return unknown(null, rangeOf(args.node));
      const lists = args.pos.map(iterate);
      if (lists.some((l) => l === null)) return unknown(null, rangeOf(args.node));
      const known = lists as Value[][];
      const n = known.reduce((m, l) => Math.min(m, l.length), known.length === 0 ? 0 : Infinity);
      if (!elementsFit(ctx, args.node, 0, n * (known.length + 1))) return unknown(null, rangeOf(args.node));
      ctx.work(n * (known.length + 1));
      return bounded(
        ctx,
        args.node,
        seq(
          Array.from({ length: n }, (_, i) => seq(known.map((l) => l[i]))),
          true,
        ),
      );
    }
    case 'enumerate': {
      const items = p0 ? iterate(p0) : null;
      const start = args.pos[1] ?? args.kw.get('start');
      const first = start === undefined ? 0 : asInt(start);
      if (!items || first === null) return unknown(null, rangeOf(args.node));
      if (!elementsFit(ctx, args.node, 0, items.length * 3)) return unknown(null, rangeOf(args.node));
      ctx.work(items.length * 3);
      return bounded(
        ctx,
        args.node,
        seq(
          items.map((v, i) => seq([num(first + i), v])),
          true,
        ),
      );
    }
    case 'reversed':
    case 'sorted': {
      const items = p0 ? iterate(p0) : null;
      if (!items || name !== 'reversed') return unknown(null);
      ctx.work(items.length);
      return bounded(ctx, args.node, seq(items.slice().reverse(), true));
    }
    case 'print':
      return NONE;
    default:
      return unknown(null, rangeOf(args.node));
  }
}

/** Methods of a known list; growing it is bounded (objects/bounds.ts), past the bound it becomes unknown. */
export function listMethod(ctx: Ctx, self: Value & { t: 'seq' }, name: string, args: CallArgs): Value {
  switch (name) {
    case 'append': {
      const item = args.pos[0];
      if (item) grow(ctx, args.node, self, [item], () => self.items.push(item));
      return NONE;
    }
    case 'extend': {
      const items = args.pos[0] ? iterate(args.pos[0])?.slice() : null;
      if (!items) return NONE;
      if (!elementsFit(ctx, args.node, self.items.length, items.length)) forgetValue(self, args.node);
      else {
        ctx.work(items.length);
        grow(ctx, args.node, self, items, () => {
          for (const item of items) self.items.push(item);
        });
      }
      return NONE;
    }
    case 'insert': {
      const at = asInt(args.pos[0]);
      const item = args.pos[1];
      if (at !== null && item) grow(ctx, args.node, self, [item], () => self.items.splice(at, 0, item));
      return NONE;
    }
    case 'pop': {
      const at = args.pos[0] ? asInt(args.pos[0]) : -1;
      if (at === null || self.items.length === 0) return unknown(null);
      changed(self);
      return self.items.splice(at < 0 ? self.items.length + at : at, 1)[0] ?? unknown(null);
    }
    case 'copy':
      ctx.work(self.items.length);
      return seq(self.items.slice(), self.list);
    case 'index':
    case 'count':
    default:
      return unknown(null);
  }
}

export function dictMethod(ctx: Ctx, self: Value & { t: 'dict' }, name: string, args: CallArgs): Value {
  switch (name) {
    case 'get': {
      const key = args.pos[0];
      const i = key ? self.keys.findIndex((k) => k.t === 'str' && key.t === 'str' && k.v === key.v) : -1;
      return i >= 0 ? self.values[i] : (args.pos[1] ?? NONE);
    }
    case 'keys':
      ctx.work(self.keys.length);
      return seq(self.keys.slice(), true);
    case 'values':
      ctx.work(self.values.length);
      return seq(self.values.slice(), true);
    case 'items':
      if (!elementsFit(ctx, args.node, 0, self.keys.length * 3)) return unknown(null, rangeOf(args.node));
      ctx.work(self.keys.length * 3);
      return bounded(
        ctx,
        args.node,
        seq(
          self.keys.map((k, i) => seq([k, self.values[i]])),
          true,
        ),
      );
    default:
      return unknown(null);
  }
}
