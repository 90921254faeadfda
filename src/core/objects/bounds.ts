/**
 * How large a value the reader follows. Python lets a list or a string grow until memory runs
 * out; a reader that followed `a = a + a` forty times, a list holding itself doubled again and
 * again, or a layer name doubled to 256 MiB would exhaust the analysis (V8 aborts the whole
 * process on an "invalid size") instead of reading the file. Past these bounds a value becomes
 * unknown, the reading goes on, and the line that made it gets one warning.
 *
 * A list's size is what writing it out would take: its items, and the items of lists and dicts
 * inside it as often as they appear (`a = [a, a]` doubles it), so a structure that shares
 * itself is bounded like one that copies. Sizes are remembered per list and dict and updated
 * as the reader grows them (`append`, `+=`, `d[k] = v`), so checking costs no walk.
 */
import type { Ctx } from './context';
import { rangeOf, type Syntax } from '../python/syntax';
import { MAX_ELEMENTS, MAX_NAME_LENGTH, MAX_NESTING, MAX_STRING_LENGTH } from './limits';
import type { Value } from './values';

export { MAX_ELEMENTS, MAX_NAME_LENGTH, MAX_NESTING, MAX_STRING_LENGTH };

/** The code of the warning a bound gives (the step budget's too). */
export const LIMIT_CODE = 'analysis-limit';

interface Extent {
  /** Elements, nested ones counted as often as they appear; Infinity past MAX_ELEMENTS. */
  elements: number;
  /** 1 for a list of scalars; Infinity past MAX_NESTING. */
  depth: number;
}

type Container = Value & { t: 'seq' | 'dict' };

const NONE_EXTENT: Extent = { elements: 0, depth: 0 };
const OVER: Extent = { elements: Infinity, depth: Infinity };
const extents = new WeakMap<Container, Extent>();
/** Containers whose extent is being worked out: meeting one again is a cycle (`d['self'] = d`). */
const visiting = new WeakSet<Container>();

function isContainer(v: Value): v is Container {
  return v.t === 'seq' || v.t === 'dict';
}

function cap(e: Extent): Extent {
  return e.elements > MAX_ELEMENTS || e.depth > MAX_NESTING ? OVER : e;
}

function childrenOf(c: Container): Value[] {
  return c.t === 'seq' ? c.items : [...c.keys, ...c.values];
}

/** The extent of items, as the contents of one container (it stops counting once past a bound). */
function extentOfItems(items: readonly Value[]): Extent {
  let elements = items.length;
  let depth = 1;
  for (const item of items) {
    if (!isContainer(item)) continue;
    const inner = extentOf(item);
    elements += inner.elements;
    depth = Math.max(depth, inner.depth + 1);
    if (elements > MAX_ELEMENTS || depth > MAX_NESTING) break;
  }
  return { elements, depth };
}

/** A value's extent: remembered for lists and dicts, worked out once when it is not. */
export function extentOf(v: Value): Extent {
  if (!isContainer(v)) return NONE_EXTENT;
  const known = extents.get(v);
  if (known) return known;
  if (visiting.has(v)) return OVER;
  visiting.add(v);
  try {
    const e = cap(extentOfItems(childrenOf(v)));
    extents.set(v, e);
    return e;
  } finally {
    visiting.delete(v);
  }
}

/** Whether a value is within every bound. */
export function withinBounds(v: Value): boolean {
  if (v.t === 'str') return v.v.length <= MAX_STRING_LENGTH;
  return extentOf(v) !== OVER;
}

function kindOf(v: Value): string {
  return v.t === 'dict' ? 'dict' : v.t === 'seq' && !v.list ? 'tuple' : 'list';
}

function growsPast(what: string): string {
  return `this ${what} would grow past ${MAX_ELEMENTS.toLocaleString('en-US')} elements (nested ones counted each time they appear)`;
}

function nestsPast(what: string): string {
  return `this ${what} would nest deeper than ${MAX_NESTING} levels`;
}

function describe(v: Value): string {
  if (v.t === 'str') return `this string would grow past ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters`;
  const e = extentOfItems(v.t === 'seq' || v.t === 'dict' ? childrenOf(v) : []);
  return e.elements === Infinity || e.elements > MAX_ELEMENTS ? growsPast(kindOf(v)) : nestsPast(kindOf(v));
}

/**
 * The one warning a bound gives, on the code that reached it: one per line, however many values
 * on it pass a bound (`[[[[...]]]]` passes the nesting bound every hundred levels).
 */
export function reportLimit(
  ctx: Ctx,
  node: Syntax,
  what: string,
  consequence = 'MaskLens stops following its value here',
): void {
  const range = rangeOf(node);
  if (ctx.diagnostics.some((d) => d.code === LIMIT_CODE && d.range.start.line === range.start.line)) return;
  ctx.report(LIMIT_CODE, 'warning', `${what[0].toUpperCase()}${what.slice(1)}; ${consequence}.`, range);
}

/**
 * A value just made by `node` (a list built, a string joined): itself when within the bounds,
 * otherwise unknown, with the warning on `node`.
 */
export function bounded(ctx: Ctx, node: Syntax, v: Value): Value {
  if (withinBounds(v)) return v;
  reportLimit(ctx, node, describe(v));
  return { t: 'unknown', key: null, range: rangeOf(node) };
}

/** Whether `length` characters are within the bound; past it, the warning on `node`. */
export function stringFits(ctx: Ctx, node: Syntax, length: number): boolean {
  if (length <= MAX_STRING_LENGTH) return true;
  reportLimit(ctx, node, `this string would grow past ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters`);
  return false;
}

/** Whether `count` new elements fit into a list or dict of `current` (checked before they are made). */
export function elementsFit(ctx: Ctx, node: Syntax, current: number, count: number, what = 'list'): boolean {
  if (current + count <= MAX_ELEMENTS) return true;
  reportLimit(ctx, node, `this ${what} would grow past ${MAX_ELEMENTS.toLocaleString('en-US')} elements`);
  return false;
}

/** The elements `v` holds in all, or Infinity past the bound (what `elementsFit` is asked with). */
export function elementsOf(v: Value): number {
  return extentOf(v).elements;
}

/**
 * Grows a list or dict in place by `added` (its new items; for a dict, its new keys and
 * values). Python's list is one object however many names and lists hold it, so one that grows
 * past the bounds becomes unknown where it is, for all of them: the object itself turns into
 * an unknown value. Returns false when it did.
 */
export function grow(
  ctx: Ctx,
  node: Syntax,
  container: Container,
  added: readonly Value[],
  apply: () => void,
): boolean {
  const what = kindOf(container);
  if (added.includes(container)) {
    // A list appended to itself is a cycle: writing it out never ends (Python prints `[...]`).
    reportLimit(ctx, node, `this ${what} would hold itself`);
    forgetValue(container, node);
    return false;
  }
  const before = extentOf(container);
  const more = extentOfItems(added);
  const after = cap({ elements: before.elements + more.elements, depth: Math.max(before.depth, more.depth) });
  if (after === OVER) {
    reportLimit(ctx, node, before.elements + more.elements > MAX_ELEMENTS ? growsPast(what) : nestsPast(what));
    forgetValue(container, node);
    return false;
  }
  apply();
  extents.set(container, after);
  return true;
}

/** A list or dict shrunk or changed in a way whose size is worked out again when next asked. */
export function changed(container: Container): void {
  extents.delete(container);
}

/** Turns a list or dict, in place, into an unknown value: every holder of it sees it unknown. */
export function forgetValue(container: Container, node: Syntax): void {
  extents.delete(container);
  for (const key of ['list', 'items', 'keys', 'values']) Reflect.deleteProperty(container, key);
  const unknownValue: Value = { t: 'unknown', key: null, range: rangeOf(node) };
  Object.assign(container, unknownValue);
}
