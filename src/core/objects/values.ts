/**
 * What a static reader can know about a Python value. Constants fold; Keras objects
 * (layers, tensors, models) are real objects; anything else is `unknown`, optionally with
 * a key the user can supply a value for (`timesteps`, `x.shape[1]`).
 */
import type { ColumnSelection } from '../protocol/runtimeTasks';
import type { JsonObject, JsonValue, Range } from '../ir';
import type { LayerObj, ModelObj, Shape, TensorObj } from './modelObjects';
import type { Syntax } from '../python/syntax';
import { MAX_ELEMENTS, MAX_NESTING } from './limits';

export interface FuncValue {
  name: string;
  /** `function_definition` or `lambda` node. */
  node: Syntax;
  /** The scope the function was defined in (closures). */
  scope: Scope;
  /** The class whose body defines it, for a method (`super()` inside it starts after that class). */
  owner?: ClassValue;
  /** Keywords `functools.partial(fn, pad=-1)` fixed. */
  bound?: Map<string, Value>;
}

/** Names a method's scope binds for `super()`: the defining class and the instance (not Python-visible names). */
export const METHOD_CLASS = '<class>';
export const METHOD_SELF = '<self>';

export interface ClassValue {
  name: string;
  node: Syntax;
  /** Canonical names of the bases (`keras.Model`, `keras.layers.Layer`) or same-file classes. */
  bases: Value[];
  methods: Map<string, FuncValue>;
  scope: Scope;
}

export interface InstanceValue {
  cls: ClassValue;
  attrs: Map<string, Value>;
  /** A subclassed model or layer built from this instance. */
  model: ModelObj | null;
  layer: LayerObj | null;
}

/** An instance of a class MaskLens cannot see (`from mylib import Fancy; Fancy(4)`): a layer if used as one. */
export interface UnknownCall {
  className: string;
  module: string;
  node: Syntax;
  kwargs: JsonObject;
  /** The opaque layer made from it once it was used as a layer. */
  layer?: LayerObj;
}

/**
 * A data file the code reads with a call MaskLens knows (`np.load('data/X.npy')`, an `.npz`
 * member `np.load('d.npz')['x']`), as written: the path is resolved where the file is used.
 */
export interface LoadedFile {
  path: string;
  /** The `.npz` member, when the code picks one. */
  key?: string;
  /** How the code reads it, e.g. `np.load`. */
  call: string;
  range: Range;
  /** The columns of a CSV the code keeps (pandas' `usecols=`, `df[['a']]`, `iloc`, `drop`, `values[:, :-1]`). */
  columns?: ColumnSelection;
  /**
   * What pandas object the value still is: a table, one column, or a table's `.iloc` / `.loc`
   * indexer (absent: an array, as `.values` gives). It decides what a subscript picks.
   */
  table?: 'frame' | 'series' | 'iloc' | 'loc';
  /**
   * Changed in place through one of its names. Another name bound to the same object
   * (`d2 = df` shares this record, as Python shares the frame) then no longer reads as the file
   * does either; what was computed from it before (`df[['a']]`, a copy) has a record of its own.
   */
  changed?: true;
}

/** The file a name's value still reads as, if any. */
export function loadedFile(v: Value | undefined): LoadedFile | null {
  return v?.t === 'unknown' && v.file && !v.file.changed ? v.file : null;
}

export type Value =
  | { t: 'num'; v: number; int: boolean }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'seq'; list: boolean; items: Value[] }
  | { t: 'dict'; keys: Value[]; values: Value[] }
  | { t: 'unknown'; key: string | null; range: Range | null; origin?: UnknownCall; file?: LoadedFile }
  /** A module, class or function outside the file, by canonical qualified name (`keras.layers.LSTM`). */
  | { t: 'ref'; qual: string }
  | { t: 'layer'; layer: LayerObj }
  | { t: 'tensor'; tensor: TensorObj }
  | { t: 'model'; model: ModelObj }
  | { t: 'func'; fn: FuncValue }
  | { t: 'class'; cls: ClassValue }
  | { t: 'instance'; inst: InstanceValue }
  /** A Keras object serialised as Keras writes it (initializer, regularizer, loss, optimizer). */
  | { t: 'json'; value: JsonValue; className: string }
  /** A NumPy array whose shape (and maybe content) is known. */
  | {
      t: 'array';
      shape: Shape;
      dtype: string;
      fill: number | null;
      data: JsonValue | null;
      nanPadded: boolean;
      padValue?: number;
    }
  | { t: 'method'; self: Value; name: string }
  /** `super()` / `super(Cls, self)` in a method: attributes come from the classes after `after` (null: after the instance's own class). */
  | { t: 'super'; inst: InstanceValue; after: ClassValue | null }
  /** A module of the user's own, read from the workspace: its names after it ran (`import data_util`). */
  | { t: 'module'; name: string; path: string; scope: Scope };

export class Scope {
  private readonly vars = new Map<string, Value>();
  constructor(readonly parent: Scope | null) {}

  get(name: string): Value | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  set(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** This scope's own names (a module's, for `from module import *`). */
  names(): string[] {
    return [...this.vars.keys()];
  }
}

export const NONE: Value = { t: 'none' };

/**
 * `x[0, :3] = 1.0`, `x[i] += 1`: an array changed in place keeps its shape, but its contents
 * are no longer the ones written where it was made, and MaskLens does not track the change.
 */
export function changedInPlace(v: Value): void {
  if (v.t !== 'array') return;
  v.data = null;
  v.fill = null;
}

export function num(v: number, int = Number.isInteger(v)): Value {
  return { t: 'num', v, int };
}

export function str(v: string): Value {
  return { t: 'str', v };
}

export function bool(v: boolean): Value {
  return { t: 'bool', v };
}

export function unknown(key: string | null = null, range: Range | null = null): Value {
  return { t: 'unknown', key, range };
}

export function seq(items: Value[], list = false): Value {
  return { t: 'seq', list, items };
}

export function ref(qual: string): Value {
  return { t: 'ref', qual };
}

/** A Python number, or null. Booleans count (Python's `True == 1`). */
export function asNumber(v: Value | undefined): number | null {
  if (!v) return null;
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

export function asInt(v: Value | undefined): number | null {
  const n = asNumber(v);
  return n !== null && Number.isInteger(n) ? n : null;
}

export function asString(v: Value | undefined): string | null {
  return v?.t === 'str' ? v.v : null;
}

/** Python truthiness, or null when a static reader cannot tell. */
export function truthy(v: Value): boolean | null {
  switch (v.t) {
    case 'num':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'dict':
      return v.keys.length > 0;
    case 'unknown':
    case 'array':
    case 'tensor':
      return null;
    default:
      return true;
  }
}

/**
 * The value as Keras would write it into a config (tuples become lists), or undefined. Bounded
 * like the reader's values (limits.ts): a structure that shares or holds itself, which the
 * reader's own checks may not have seen grow, is not written out past them.
 */
export function toJson(v: Value): JsonValue | undefined {
  return writeJson(v, { left: MAX_ELEMENTS }, 0);
}

function writeJson(v: Value, budget: { left: number }, depth: number): JsonValue | undefined {
  switch (v.t) {
    case 'num':
      return v.v;
    case 'str':
      return v.v;
    case 'bool':
      return v.v;
    case 'none':
      return null;
    case 'seq': {
      budget.left -= v.items.length;
      if (budget.left < 0 || depth >= MAX_NESTING) return undefined;
      const items: JsonValue[] = [];
      for (const item of v.items) {
        const j = writeJson(item, budget, depth + 1);
        if (j === undefined) return undefined;
        items.push(j);
      }
      return items;
    }
    case 'dict': {
      budget.left -= v.keys.length;
      if (budget.left < 0 || depth >= MAX_NESTING) return undefined;
      const out: Record<string, JsonValue> = {};
      for (let i = 0; i < v.keys.length; i++) {
        const k = v.keys[i];
        const val = writeJson(v.values[i], budget, depth + 1);
        if (k.t !== 'str' || val === undefined) return undefined;
        out[k.v] = val;
      }
      return out;
    }
    case 'json':
      return v.value;
    default:
      return undefined;
  }
}

/** The items of a known iterable, or null (bounded, so a huge `range` cannot stall the reader). */
export function iterate(v: Value): Value[] | null {
  if (v.t === 'seq') return v.items;
  if (v.t === 'dict') return v.keys;
  if (v.t === 'str') return [...v.v].map(str);
  return null;
}

/** A method of a same-file class or of its same-file bases (nearest first, a bounded walk up). */
export function findMethod(
  cls: { methods: Map<string, FuncValue>; bases: Value[] },
  name: string,
  depth = 0,
): FuncValue | null {
  const own = cls.methods.get(name);
  if (own) return own;
  if (depth > 8) return null;
  for (const base of cls.bases)
    if (base.t === 'class') {
      const hit = findMethod(base.cls, name, depth + 1);
      if (hit) return hit;
    }
  return null;
}
