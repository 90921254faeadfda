/**
 * What a call hands to whatever it calls (a same-file function, a Keras or NumPy stub): the
 * evaluated arguments with the syntax they were written as; and what a subscript hands to
 * the value it indexes.
 */
import type { JsonObject, JsonValue } from '../ir';
import type { Syntax } from '../python/syntax';
import { toJson, type Value } from './values';

export interface CallArgs {
  pos: Value[];
  posNodes: Syntax[];
  kw: ReadonlyMap<string, Value>;
  /** The value expression of each keyword argument. */
  kwNodes: ReadonlyMap<string, Syntax>;
  /** The whole `name=value` of each keyword argument. */
  kwNameNodes: ReadonlyMap<string, Syntax>;
  /** `*args` / `**kwargs` whose contents are unknown. */
  starred: boolean;
  node: Syntax;
  argList: Syntax | null;
}

/** A call of `node` with these positional arguments and no keywords (a traced `call(inputs)`, a template read). */
export function callArgs(node: Syntax, pos: Value[] = []): CallArgs {
  return {
    pos,
    posNodes: [],
    kw: new Map(),
    kwNodes: new Map(),
    kwNameNodes: new Map(),
    starred: false,
    node,
    argList: null,
  };
}

/** One subscript item: an index value, or a slice with its parts. */
export type SubscriptItem =
  | { kind: 'index'; value: Value }
  | { kind: 'slice'; start: Value; stop: Value; step: Value; node: Syntax }
  | { kind: 'ellipsis' };

function hasTensor(v: Value): boolean {
  return v.t === 'tensor' || (v.t === 'seq' && v.items.some(hasTensor));
}

/** Whether any argument is a symbolic Keras tensor (or a list holding one). */
export function anyTensor(args: CallArgs): boolean {
  if (args.pos.some(hasTensor)) return true;
  for (const v of args.kw.values()) if (hasTensor(v)) return true;
  return false;
}

/** The keyword arguments Keras could serialise, as JSON. */
export function kwJson(args: CallArgs): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of args.kw) {
    const j = toJson(v);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

/** The positional arguments as JSON (null where a value has no JSON form). */
export function posJson(args: CallArgs): JsonValue[] {
  return args.pos.map((v) => toJson(v) ?? null);
}
