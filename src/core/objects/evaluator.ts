/**
 * The interpreter as the library stubs see it, after pyright's `TypeEvaluator`: what a Keras
 * or NumPy stub may ask of the Python reading it takes part in, without importing the
 * interpreter (which imports the stubs). The interpreter implements it; the per-file state
 * (`Ctx.evaluator`) hands it to the stubs.
 */
import type { CallArgs } from './arguments';
import type { Syntax } from '../python/syntax';
import type { FuncValue, Scope, Value } from './values';

export interface Evaluator {
  /** The value of an expression in a scope (a Lambda's constants, a parameter's default). */
  evaluate(node: Syntax | null, scope: Scope): Value;
  /** Runs a same-file function, or a method with `self` bound, on these arguments. */
  call(fn: FuncValue, args: CallArgs, self: Value | null): Value;
  /** Stops reading the current code path, as the exception Keras raises there would. */
  raise(): never;
  /** Binds the names an import statement introduces (one inside a function); false for `import *`. */
  bindImport(node: Syntax, scope: Scope): boolean;
}
