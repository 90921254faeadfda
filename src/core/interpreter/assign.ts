/**
 * Assignments: names (a module-level name becomes the model's name), tuple unpacking
 * (with `*rest`), attributes of same-file objects (`self.lstm = ...`), dict items, and
 * `x[...] = np.nan` (NaN padding, reported where it happens).
 */
import { reportNanPadding } from '../numpy/arrays';
import { changed, grow } from '../objects/bounds';
import type { Ctx } from '../objects/context';
import { evalExpr, subscriptItems } from './expressions';
import { field, named, rangeOf, type Syntax } from '../python/syntax';
import { changedInPlace, NONE, seq, unknown, type Scope, type Value } from '../objects/values';

export function evalBinaryValues(a: Value & { t: 'num' }, op: string, b: Value & { t: 'num' }): Value {
  const int = a.int && b.int;
  switch (op) {
    case '+':
      return { t: 'num', v: a.v + b.v, int };
    case '-':
      return { t: 'num', v: a.v - b.v, int };
    case '*':
      return { t: 'num', v: a.v * b.v, int };
    case '/':
      return b.v === 0 ? unknown(null) : { t: 'num', v: a.v / b.v, int: false };
    case '//':
      return b.v === 0 ? unknown(null) : { t: 'num', v: Math.floor(a.v / b.v), int };
    default:
      return unknown(null);
  }
}

/** Evaluates `a = b = value` right to left; returns the value. */
export function assignment(ctx: Ctx, node: Syntax, scope: Scope): Value {
  const right = field(node, 'right');
  const left = field(node, 'left');
  if (!right) return NONE; // an annotation without a value
  const value = right.type === 'assignment' ? assignment(ctx, right, scope) : evalExpr(ctx, right, scope);
  if (left) assignTarget(ctx, left, value, scope, right);
  return value;
}

const SEQUENCE_TARGETS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'expression_list']);

export function assignTarget(ctx: Ctx, target: Syntax, value: Value, scope: Scope, rhs: Syntax): void {
  switch (target.type) {
    case 'identifier': {
      const name = target.text;
      let v = value;
      if (v.t === 'unknown') v = { ...v, key: name };
      const bound = v.t === 'model' ? v.model : v.t === 'instance' ? v.inst.model : null;
      if (bound && (bound.varName === null || (scope.parent === null && !bound.varIsGlobal))) {
        bound.varName = name;
        bound.varIsGlobal = scope.parent === null;
      }
      scope.set(name, v);
      ctx.assignments.set(name, rhs);
      return;
    }
    case 'parenthesized_expression': {
      const inner = named(target)[0];
      if (inner) assignTarget(ctx, inner, value, scope, rhs);
      return;
    }
    case 'attribute': {
      const object = evalExpr(ctx, field(target, 'object'), scope);
      const attr = field(target, 'attribute')?.text;
      if (object.t === 'instance' && attr) object.inst.attrs.set(attr, value);
      // `df.columns = [...]` renames a loaded table's columns: it no longer reads as the file does.
      forgetLoadedFile(target, scope);
      return;
    }
    case 'subscript': {
      const object = evalExpr(ctx, field(target, 'value'), scope);
      if (value.t === 'num' && Number.isNaN(value.v) && (object.t === 'array' || object.t === 'unknown')) {
        if (object.t === 'array') object.nanPadded = true;
        reportNanPadding(ctx, rhs);
      }
      changedInPlace(object);
      forgetLoadedFile(target, scope);
      if (object.t === 'dict') {
        const [item] = subscriptItems(ctx, target, scope);
        if (item?.kind === 'index' && item.value.t === 'str') {
          const key = item.value.v;
          const i = object.keys.findIndex((k) => k.t === 'str' && k.v === key);
          if (i >= 0) {
            object.values[i] = value;
            changed(object);
          } else {
            const keyValue = item.value;
            grow(ctx, target, object, [keyValue, value], () => {
              object.keys.push(keyValue);
              object.values.push(value);
            });
          }
        }
      }
      return;
    }
    default:
      if (SEQUENCE_TARGETS.has(target.type)) {
        const targets = named(target);
        const items = value.t === 'seq' ? value.items : null;
        const star = targets.findIndex((t) => t.type === 'list_splat_pattern');
        targets.forEach((t, i) => {
          if (t.type === 'list_splat_pattern') {
            const inner = named(t)[0];
            const rest = items ? items.slice(i, items.length - (targets.length - 1 - i)) : null;
            if (inner) assignTarget(ctx, inner, rest ? seq(rest, true) : unknown(null), scope, rhs);
            return;
          }
          let item: Value = unknown(null, rangeOf(rhs));
          if (items && (star < 0 ? items.length === targets.length : true)) {
            item = star >= 0 && i > star ? (items[items.length - (targets.length - i)] ?? item) : (items[i] ?? item);
          }
          assignTarget(ctx, t, item, scope, rhs);
        });
      }
  }
}

/**
 * A loaded file changed in place through its name (`df['label'] = ...`, `X[X > 5] = 0`,
 * `df.iloc[:, 0] = 1`, `df.dropna(inplace=True)`): the name no longer holds the file's values.
 * Reading a name hands out a copy of an unknown value, so the name's own value is changed.
 */
export function forgetLoadedFile(target: Syntax, scope: Scope): void {
  let node: Syntax | null = target;
  while (node && (node.type === 'subscript' || node.type === 'attribute'))
    node = field(node, node.type === 'subscript' ? 'value' : 'object');
  const held = node?.type === 'identifier' ? scope.get(node.text) : undefined;
  if (held?.t !== 'unknown' || !held.file) return;
  held.file.changed = true;
  delete held.file;
}
