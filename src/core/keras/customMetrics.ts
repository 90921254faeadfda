/**
 * Metrics the user's code defines, named in `compile(metrics=...)` / `weighted_metrics=`: a
 * function `(y_true, y_pred)` (a def, a closure, a partial), which Keras wraps in a mean, or an
 * instance of a `keras.metrics.Metric` subclass: its states (`self.add_weight(...)` in
 * `__init__`), `update_state(y_true, y_pred, sample_weight=None)` changing them with
 * `assign_add` / `assign_sub` / `assign`, `result()` and an optional `reset_state()`, each
 * translated as Lambda bodies are. What cannot be translated is reported where it stops.
 */
import type { CustomMetricIR, LambdaFunction, MetricStateIR } from '../ir';
import type { Ctx } from '../objects/context';
import { field, named, rangeOf, type Syntax } from '../python/syntax';
import { Scope, type ClassValue, type FuncValue, type InstanceValue, type Value } from '../objects/values';
import { findMethod, instanceName, parameterNames } from './customLosses';
import { translateFunction } from './lambda';
import { translateBlock, Untranslatable, type Env, type SelfRef } from './translate';

/** `keras.metrics.Metric` (any alias the imports resolve to it), directly or through same-file bases. */
function derivesFromMetric(cls: ClassValue, depth = 0): boolean {
  if (depth > 8) return false;
  return cls.bases.some(
    (b) =>
      (b.t === 'ref' && /(^|\.)metrics\.Metric$/.test(b.qual)) ||
      (b.t === 'class' && derivesFromMetric(b.cls, depth + 1)),
  );
}

/** The Keras metric class other than `Metric` a same-file class derives from (`keras.metrics.Mean`), if any. */
function kerasMetricBase(cls: ClassValue, depth = 0): string | null {
  if (depth > 8) return null;
  for (const b of cls.bases) {
    const own = b.t === 'ref' ? /(^|\.)metrics\.([A-Z]\w*)$/.exec(b.qual)?.[2] : undefined;
    if (own && own !== 'Metric') return own;
    const inherited = b.t === 'class' ? kerasMetricBase(b.cls, depth + 1) : null;
    if (inherited) return inherited;
  }
  return null;
}

/**
 * Whether compile() is given the user's own metric here: a function, or a same-file class
 * deriving from a Keras metric (an instance, or the class, which Keras instantiates).
 */
export function isCustomMetric(v: Value): boolean {
  const cls = v.t === 'instance' ? v.inst.cls : v.t === 'class' ? v.cls : null;
  return v.t === 'func' || (cls !== null && (derivesFromMetric(cls) || kerasMetricBase(cls) !== null));
}

function problemAt(name: string, error: Untranslatable): NonNullable<CustomMetricIR['problem']> {
  return {
    message: `MaskLens cannot translate \`${error.node.text.replace(/\s+/g, ' ').slice(0, 80)}\` in metric '${name}' (${error.message}); evaluate and compare leave it out.`,
    range: rangeOf(error.node),
  };
}

/** `self.<attr> = self.add_weight(...)` (or `add_variable`) in `__init__`: the states, with their shapes. */
function statesOf(ctx: Ctx, init: FuncValue, scope: Scope): MetricStateIR[] {
  const states: MetricStateIR[] = [];
  const body = named(field(init.node, 'body') ?? init.node);
  for (const stmt of body) {
    const assignment = stmt.type === 'expression_statement' ? named(stmt)[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = field(assignment, 'left');
    const right = field(assignment, 'right');
    const callee = right?.type === 'call' ? field(right, 'function') : null;
    if (left?.type !== 'attribute' || !callee || !/^self\.add_(weight|variable)$/.test(callee.text)) continue;
    const attr = field(left, 'attribute')?.text ?? '';
    states.push({ attr, shape: stateShape(ctx, right as Syntax, scope) });
  }
  return states;
}

/**
 * A state's shape: `shape=` (or a first positional tuple, as Keras 3 orders the parameters;
 * tf-keras puts the name first), by default a scalar.
 */
function stateShape(ctx: Ctx, call: Syntax, scope: Scope): number[] {
  const list = field(call, 'arguments');
  let node: Syntax | null = null;
  for (const arg of list ? named(list) : []) {
    if (arg.type === 'keyword_argument' && field(arg, 'name')?.text === 'shape') node = field(arg, 'value');
    else if (arg.type === 'tuple' || arg.type === 'list') node ??= arg;
  }
  if (!node) return [];
  const v = ctx.evaluator.evaluate(node, scope);
  const dims =
    v.t === 'seq' ? v.items.map((d) => (d.t === 'num' && Number.isInteger(d.v) && d.v >= 0 ? d.v : null)) : null;
  if (!dims || dims.some((d) => d === null))
    throw new Untranslatable("the state's shape is not one the source fixes", node);
  return dims as number[];
}

/** One method of the metric class, its states read as `self.<attr>`; `updates`: it ends with every state's value. */
function method(
  ctx: Ctx,
  fn: FuncValue,
  env: Omit<Env, 'params' | 'fn' | 'locals'>,
  positional: number,
  updates: boolean,
  states: MetricStateIR[],
): LambdaFunction {
  const [, ...params] = parameterNames(fn);
  const initial = new Map(states.map((s) => [s.attr, { op: 'self' as const, name: s.attr }]));
  const methodEnv: Env = {
    ...env,
    params: params.slice(0, positional),
    fn,
    locals: new Map(),
    states: initial,
    ...(updates
      ? {
          finish: (e: Env) => ({
            op: 'call' as const,
            fn: 'tuple',
            args: states.map((s) => e.states?.get(s.attr) ?? { op: 'self' as const, name: s.attr }),
            kwargs: {},
          }),
        }
      : {}),
  };
  const body = translateBlock(ctx, named(field(fn.node, 'body') ?? fn.node), methodEnv);
  if (!updates && body.op === 'const' && body.value === null)
    throw new Untranslatable('the method returns nothing MaskLens can read', fn.node);
  return { params: params.slice(0, positional), body, source: fn.node.text };
}

function metricObject(ctx: Ctx, inst: InstanceValue, node: Syntax): CustomMetricIR {
  const cls = inst.cls;
  const name = instanceName(inst);
  const range = rangeOf(node);
  const refused = (message: string, at: Syntax): CustomMetricIR => ({
    name,
    kind: 'metric-class',
    fn: null,
    metricClass: null,
    problem: { message, range: rangeOf(at) },
    range,
  });
  const update = findMethod(cls, 'update_state');
  const result = findMethod(cls, 'result');
  if (!update || !result)
    return refused(
      `metric class '${cls.name}' has no ${update ? 'result(self)' : 'update_state(self, y_true, y_pred, sample_weight=None)'} MaskLens can read; evaluate and compare leave it out.`,
      cls.node,
    );
  const reset = findMethod(cls, 'reset_state') ?? findMethod(cls, 'reset_states');
  const init = findMethod(cls, '__init__');
  const selfName = parameterNames(update)[0] ?? 'self';
  const scope = new Scope(cls.scope);
  scope.set(selfName, { t: 'instance', inst });
  try {
    const states = init ? statesOf(ctx, init, scope) : [];
    const self: SelfRef = {
      name: selfName,
      built: new Set(states.map((s) => s.attr)),
      layers: new Set(),
      layerName: () => null,
      heldLayer: () => null,
      method: (m) =>
        ['update_state', 'result', 'reset_state', 'reset_states', '__init__'].includes(m) ? null : findMethod(cls, m),
      addWeightParams: [],
      initializer: () => null,
    };
    const env = { scope, self, depth: 0, graph: true };
    return {
      name,
      kind: 'metric-class',
      fn: null,
      metricClass: {
        states,
        update: method(ctx, update, env, 3, true, states),
        result: method(ctx, result, env, 0, false, states),
        reset: reset ? method(ctx, reset, env, 0, true, states) : null,
      },
      problem: null,
      range,
    };
  } catch (error) {
    if (error instanceof Untranslatable)
      return { name, kind: 'metric-class', fn: null, metricClass: null, problem: problemAt(name, error), range };
    throw error;
  }
}

/** The user's own metric a `compile(metrics=[...])` entry is (see isCustomMetric). */
export function customMetric(ctx: Ctx, v: Value, node: Syntax): CustomMetricIR | null {
  if (v.t === 'func') {
    const t = translateFunction(ctx, v.fn, 2, `metric '${v.fn.name}'`, true);
    const problem = t.problem
      ? {
          ...t.problem,
          message: t.problem.message
            .replace('in this function', `in metric '${v.fn.name}'`)
            .replace(/the runtime cannot execute .*\.$/, 'evaluate and compare leave it out.'),
        }
      : null;
    return { name: v.fn.name, kind: 'function', fn: t.fn, metricClass: null, problem, range: rangeOf(node) };
  }
  const cls = v.t === 'instance' ? v.inst.cls : v.t === 'class' ? v.cls : null;
  if (!cls) return null;
  const base = kerasMetricBase(cls);
  const refused = (why: string): CustomMetricIR => ({
    name: v.t === 'instance' ? instanceName(v.inst) : cls.name,
    kind: 'metric-class',
    fn: null,
    metricClass: null,
    problem: { message: `metric class '${cls.name}' ${why}; evaluate and compare leave it out.`, range: rangeOf(node) },
    range: rangeOf(node),
  });
  if (base)
    return refused(
      `derives from keras.metrics.${base}, whose own update_state MaskLens does not follow (it translates subclasses of keras.metrics.Metric)`,
    );
  if (v.t !== 'instance')
    return refused(`is given as the class, which Keras instantiates; MaskLens reads an instance (\`${cls.name}()\`)`);
  return metricObject(ctx, v.inst, node);
}
