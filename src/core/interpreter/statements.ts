/**
 * Statements, read in execution order so Keras' automatic names come out as Keras gives
 * them: assignments (with unpacking), `if` (the branch a known condition selects; the
 * first one otherwise), `for` over known iterables (unrolled, bounded), `with`, `try`,
 * function and class definitions, and same-file function calls (inlined, depth-bounded).
 * Syntax errors arrive as ERROR nodes; their statement-like children are still read.
 */
import { AnalysisStopped, BudgetExceeded, type Ctx, MAX_CALL_DEPTH, MAX_LOOP_ITERATIONS } from '../objects/context';
import type { CallArgs } from '../objects/arguments';
import { elementsFit, forgetValue, grow } from '../objects/bounds';
import { assignment, assignTarget, evalBinaryValues, forgetLoadedFile } from './assign';
import { evalExpr } from './expressions';
import type { Evaluator } from '../objects/evaluator';
import { execImport } from './projectImports';
import { bindImport } from './imports';
import { instantiateClass } from '../keras/subclassed';
import { field, isForeign, named, rangeOf, setAnchor, type Syntax } from '../python/syntax';
import {
  changedInPlace,
  iterate,
  METHOD_CLASS,
  METHOD_SELF,
  NONE,
  Scope,
  seq,
  truthy,
  unknown,
  type ClassValue,
  type FuncValue,
  type Value,
} from '../objects/values';

class ReturnSignal {
  constructor(readonly value: Value) {}
}
class BreakSignal {}
class ContinueSignal {}
class RaiseSignal {}

/** Keras raises here: stop reading the current code path, as Python would. */
export function raiseHere(): never {
  throw new RaiseSignal();
}

const STATEMENTS = new Set([
  'expression_statement',
  'import_statement',
  'import_from_statement',
  'if_statement',
  'for_statement',
  'while_statement',
  'with_statement',
  'try_statement',
  'function_definition',
  'decorated_definition',
  'class_definition',
  'return_statement',
  'block',
  'ERROR',
]);

export function execBlock(ctx: Ctx, node: Syntax | null, scope: Scope): void {
  if (!node) return;
  for (const stmt of named(node)) {
    try {
      execStatement(ctx, stmt, scope);
    } catch (error) {
      if (!isReaderBug(error)) throw error;
      // A bug of MaskLens' own in one statement costs that statement, not the file's models.
      const message = error instanceof Error ? error.message : String(error);
      ctx.report(
        'internal-error',
        'error',
        `MaskLens failed to read this statement (${message}); it read the rest of the file.`,
        rangeOf(stmt),
      );
    }
  }
}

/** An exception that is not Python's control flow, the step budget or a stop request: a fault of the reader. */
function isReaderBug(error: unknown): boolean {
  return !(
    error instanceof ReturnSignal ||
    error instanceof BreakSignal ||
    error instanceof ContinueSignal ||
    error instanceof RaiseSignal ||
    error instanceof BudgetExceeded ||
    error instanceof AnalysisStopped
  );
}

/** Runs `body` and reports, once, when it built layers under a reading MaskLens had to guess. */
function guarded(ctx: Ctx, why: string, at: Syntax, run: () => void): void {
  const before = ctx.layers.length;
  run();
  if (ctx.layers.length === before) return;
  ctx.report('unsupported-construct', 'information', why, rangeOf(at));
  const line = rangeOf(at).start.line + 1;
  // An enclosing guess (the loop around an undecidable condition) is the one the user can act on: it is set last.
  for (const layer of ctx.layers.slice(before)) layer.guess = { why, line };
}

export function execStatement(ctx: Ctx, node: Syntax, scope: Scope): void {
  ctx.step();
  if (ctx.modules.size === 0 || isForeign(node)) {
    execStatementHere(ctx, node, scope);
    return;
  }
  // What an imported module's code builds while this statement runs is located at this statement.
  const outer = setAnchor(rangeOf(node));
  try {
    execStatementHere(ctx, node, scope);
  } finally {
    setAnchor(outer);
  }
}

function execStatementHere(ctx: Ctx, node: Syntax, scope: Scope): void {
  switch (node.type) {
    case 'expression_statement':
      for (const child of named(node)) execExpressionStatement(ctx, child, scope);
      return;
    case 'import_statement':
    case 'import_from_statement':
      execImport(ctx, node, scope, (root, moduleScope) => {
        execModule(ctx, root, moduleScope);
      });
      return;
    case 'if_statement':
      return execIf(ctx, node, scope);
    case 'for_statement':
      return execFor(ctx, node, scope);
    case 'while_statement':
      guarded(ctx, 'MaskLens cannot tell how often this loop runs; it read the body once.', node, () =>
        loopBody(ctx, field(node, 'body'), scope),
      );
      return;
    case 'with_statement':
      for (const item of node.descendantsOfType('with_item')) {
        if (!item) continue;
        const value = field(item, 'value');
        if (value?.type === 'as_pattern') {
          const v = evalExpr(ctx, named(value)[0] ?? null, scope);
          const target = field(value, 'alias') ?? named(value)[1];
          const id = target?.type === 'as_pattern_target' ? named(target)[0] : target;
          if (id) assignTarget(ctx, id, v.t === 'unknown' ? unknown(null) : v, scope, value);
        } else evalExpr(ctx, value, scope);
      }
      execBlock(ctx, field(node, 'body'), scope);
      return;
    case 'try_statement':
      try {
        execBlock(ctx, field(node, 'body'), scope);
      } catch (e) {
        if (!(e instanceof RaiseSignal)) throw e;
      }
      for (const clause of named(node)) {
        if (clause.type === 'else_clause' || clause.type === 'finally_clause')
          execBlock(ctx, field(clause, 'body') ?? named(clause).find((c) => c.type === 'block') ?? null, scope);
      }
      return;
    case 'function_definition':
      defineFunction(ctx, node, scope);
      return;
    case 'decorated_definition': {
      const def = field(node, 'definition');
      if (def) execStatement(ctx, def, scope);
      return;
    }
    case 'class_definition':
      defineClass(ctx, node, scope);
      return;
    case 'return_statement': {
      const value = named(node)[0];
      throw new ReturnSignal(value ? evalExpr(ctx, value, scope) : NONE);
    }
    case 'break_statement':
      throw new BreakSignal();
    case 'continue_statement':
      throw new ContinueSignal();
    case 'raise_statement':
      throw new RaiseSignal();
    case 'block':
      execBlock(ctx, node, scope);
      return;
    case 'ERROR':
      // Error recovery: read whatever complete pieces the parser found inside.
      for (const child of named(node)) {
        if (STATEMENTS.has(child.type)) execStatement(ctx, child, scope);
        else if (child.type === 'call' || child.type === 'assignment') execExpressionStatement(ctx, child, scope);
      }
      return;
    default:
      return;
  }
}

function execExpressionStatement(ctx: Ctx, node: Syntax, scope: Scope): void {
  if (node.type === 'assignment') {
    assignment(ctx, node, scope);
    return;
  }
  if (node.type === 'augmented_assignment') {
    const target = field(node, 'left');
    const op = field(node, 'operator')?.text.replace('=', '') ?? '';
    const right = evalExpr(ctx, field(node, 'right'), scope);
    if (target?.type === 'identifier') {
      const current = scope.get(target.text);
      if (current?.t === 'seq' && right.t === 'seq' && op === '+') {
        const added = right.items.slice();
        if (elementsFit(ctx, node, current.items.length, added.length)) {
          ctx.work(added.length);
          grow(ctx, node, current, added, () => {
            for (const item of added) current.items.push(item);
          });
        } else forgetValue(current, node);
        return;
      }
      const value =
        current && current.t === 'num' && right.t === 'num'
          ? evalBinaryValues(current, op, right)
          : unknown(target.text, rangeOf(target));
      scope.set(target.text, value);
    } else if (target?.type === 'subscript') {
      changedInPlace(evalExpr(ctx, field(target, 'value'), scope));
      forgetLoadedFile(target, scope);
    }
    return;
  }
  evalExpr(ctx, node, scope);
}

function execIf(ctx: Ctx, node: Syntax, scope: Scope): void {
  const branches: { condition: Syntax | null; body: Syntax | null; at: Syntax }[] = [
    { condition: field(node, 'condition'), body: field(node, 'consequence'), at: node },
  ];
  for (const clause of named(node)) {
    if (clause.type === 'elif_clause')
      branches.push({ condition: field(clause, 'condition'), body: field(clause, 'consequence'), at: clause });
    else if (clause.type === 'else_clause') branches.push({ condition: null, body: field(clause, 'body'), at: clause });
  }
  for (const b of branches) {
    if (!b.condition) {
      execBlock(ctx, b.body, scope);
      return;
    }
    const t = truthy(evalExpr(ctx, b.condition, scope));
    if (t === true) {
      execBlock(ctx, b.body, scope);
      return;
    }
    if (t === null) {
      guarded(
        ctx,
        `MaskLens cannot decide \`${b.condition.text.slice(0, 60)}\`; it assumed the condition is true.`,
        b.condition,
        () => execBlock(ctx, b.body, scope),
      );
      return;
    }
  }
}

function loopBody(ctx: Ctx, body: Syntax | null, scope: Scope): 'break' | 'continue' {
  try {
    execBlock(ctx, body, scope);
  } catch (e) {
    if (e instanceof BreakSignal) return 'break';
    if (e instanceof ContinueSignal) return 'continue';
    throw e;
  }
  return 'continue';
}

function execFor(ctx: Ctx, node: Syntax, scope: Scope): void {
  const target = field(node, 'left');
  const body = field(node, 'body');
  const items = iterate(evalExpr(ctx, field(node, 'right'), scope));
  if (!target) return;
  if (!items) {
    guarded(ctx, 'MaskLens cannot tell what this loop iterates over; it read the body once.', node, () => {
      assignTarget(ctx, target, unknown(null), scope, node);
      loopBody(ctx, body, scope);
    });
    forgetCounted(body, scope);
    return;
  }
  const broke = ctx.within(node, true, () => {
    for (const item of items.slice(0, MAX_LOOP_ITERATIONS)) {
      assignTarget(ctx, target, item, scope, node);
      if (loopBody(ctx, body, scope) === 'break') return true;
    }
    return false;
  });
  const alternative = named(node).find((c) => c.type === 'else_clause');
  if (!broke && alternative) execBlock(ctx, field(alternative, 'body'), scope);
}

/**
 * After a loop read once for want of knowing what it iterates over: a number or string the
 * body builds from its own last value (`count += 1`, `n = n + 1`) is as unknown as the
 * number of iterations (one read would give a wrong size), not what a single pass left.
 */
function forgetCounted(body: Syntax | null, scope: Scope): void {
  const counted = new Map<string, Syntax>();
  const visit = (n: Syntax): void => {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return;
    const left = field(n, 'left');
    if (left?.type === 'identifier') {
      const right = field(n, 'right');
      const reads = (e: Syntax): boolean => (e.type === 'identifier' && e.text === left.text) || named(e).some(reads);
      if (n.type === 'augmented_assignment' || (n.type === 'assignment' && right && reads(right)))
        counted.set(left.text, left);
    }
    named(n).forEach(visit);
  };
  if (body) visit(body);
  for (const [name, at] of counted) {
    const v = scope.get(name);
    if (v?.t === 'num' || v?.t === 'str') scope.set(name, unknown(name, rangeOf(at)));
  }
}

function defineFunction(ctx: Ctx, node: Syntax, scope: Scope): FuncValue | null {
  const name = field(node, 'name')?.text;
  if (!name) return null;
  const fn: FuncValue = { name, node, scope };
  scope.set(name, { t: 'func', fn });
  // The file's own functions nobody calls are read as templates; an imported module's are not its models.
  if (scope.parent === null && ctx.importDepth === 0) ctx.functions.push(fn);
  return fn;
}

function defineClass(ctx: Ctx, node: Syntax, scope: Scope): void {
  const name = field(node, 'name')?.text;
  if (!name) return;
  const supers = field(node, 'superclasses');
  const bases = supers
    ? named(supers)
        .filter((b) => b.type !== 'keyword_argument')
        .map((b) => evalExpr(ctx, b, scope))
    : [];
  const methods = new Map<string, FuncValue>();
  const classScope = new Scope(scope);
  const cls: ClassValue = { name, node, bases, methods, scope: classScope };
  for (const stmt of named(field(node, 'body') ?? node)) {
    const def = stmt.type === 'decorated_definition' ? field(stmt, 'definition') : stmt;
    if (def?.type === 'function_definition') {
      const fname = field(def, 'name')?.text;
      if (fname) methods.set(fname, { name: fname, node: def, scope, owner: cls });
    }
  }
  scope.set(name, { t: 'class', cls });
  if (scope.parent === null && ctx.importDepth === 0) ctx.classes.push(cls);
}

export function instantiate(ctx: Ctx, cls: ClassValue, args: CallArgs): Value {
  return instantiateClass(ctx, cls, args);
}

/** Binds parameters: positional, keyword, defaults (read in the defining scope), `*args`, `**kwargs`. */
function bindParameters(ctx: Ctx, fn: FuncValue, args: CallArgs, self: Value | null, scope: Scope): void {
  const list = field(fn.node, 'parameters');
  const positional = self ? [self, ...args.pos] : [...args.pos];
  const used = new Set<string>();
  let i = 0;
  for (const p of list ? named(list) : []) {
    let name: string | undefined;
    let defaultNode: Syntax | null = null;
    if (p.type === 'identifier') name = p.text;
    else if (p.type === 'typed_parameter') name = named(p).find((c) => c.type === 'identifier')?.text;
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      name = field(p, 'name')?.text;
      defaultNode = field(p, 'value');
    } else if (p.type === 'list_splat_pattern') {
      const n = named(p)[0]?.text;
      if (n) scope.set(n, seq(positional.slice(i), false));
      i = positional.length;
      continue;
    } else if (p.type === 'dictionary_splat_pattern') {
      const n = named(p)[0]?.text;
      const keys: Value[] = [];
      const values: Value[] = [];
      for (const [k, v] of args.kw)
        if (!used.has(k)) {
          keys.push({ t: 'str', v: k });
          values.push(v);
        }
      if (n) scope.set(n, { t: 'dict', keys, values });
      continue;
    } else continue;
    if (!name) continue;
    let value: Value | undefined;
    if (args.kw.has(name)) value = args.kw.get(name);
    else if (i < positional.length) value = positional[i++];
    else if (defaultNode) value = evalExpr(ctx, defaultNode, fn.scope);
    used.add(name);
    scope.set(name, value ?? unknown(name, rangeOf(p)));
  }
}

export function callFunction(ctx: Ctx, fn: FuncValue, args: CallArgs, self: Value | null): Value {
  ctx.calledFunctions.add(fn.node.id);
  if (ctx.callDepth >= MAX_CALL_DEPTH) {
    ctx.report(
      'unsupported-construct',
      'information',
      `Calls nest deeper than ${MAX_CALL_DEPTH} levels here; MaskLens stops following them.`,
      rangeOf(args.node),
    );
    return unknown(null, rangeOf(args.node));
  }
  const scope = new Scope(fn.scope);
  if (fn.owner && self) {
    scope.set(METHOD_CLASS, { t: 'class', cls: fn.owner });
    scope.set(METHOD_SELF, self);
  }
  bindParameters(ctx, fn, args, self, scope);
  ctx.callDepth++;
  // Models a custom layer or model builds in its methods (a Sequential feed-forward block) are part of it, not models of the user's.
  const owner = self?.t === 'instance' && (self.inst.layer || self.inst.model) ? self.inst : null;
  const modelsBefore = ctx.models.length;
  try {
    return ctx.within(args.node, false, () => {
      if (fn.node.type === 'lambda') return evalExpr(ctx, field(fn.node, 'body'), scope);
      execBlock(ctx, field(fn.node, 'body'), scope);
      return NONE;
    });
  } catch (e) {
    if (e instanceof ReturnSignal) return e.value;
    if (e instanceof RaiseSignal || e instanceof BreakSignal || e instanceof ContinueSignal)
      return unknown(null, rangeOf(args.node));
    throw e;
  } finally {
    ctx.callDepth--;
    if (owner) for (const m of ctx.models.slice(modelsBefore)) if (m !== owner.model) ctx.blocks.add(m);
  }
}

/** Runs a module's statements; a top-level `raise` ends the reading (returns false). */
export function execModule(ctx: Ctx, root: Syntax, scope: Scope): boolean {
  try {
    execBlock(ctx, root, scope);
  } catch (e) {
    if (e instanceof RaiseSignal) return false;
    if (e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal) return true;
    throw e;
  }
  return true;
}

/** The interpreter behind the interface the library stubs call (objects/evaluator.ts). */
export function evaluatorFor(ctx: Ctx): Evaluator {
  return {
    evaluate: (node, scope) => evalExpr(ctx, node, scope),
    call: (fn, args, self) => callFunction(ctx, fn, args, self),
    raise: raiseHere,
    bindImport: (node, scope) => bindImport(node, scope).length === 0,
  };
}
