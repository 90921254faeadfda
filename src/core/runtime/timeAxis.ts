/**
 * What a computation does to the time axis in a length-bucketed pass (see lengthBuckets.ts):
 * which tensors have one, how many leading steps of the input's they have lost to slices,
 * and, for a Lambda body or a recorded Keras op, whether each output step is computed from
 * the same step of its inputs alone. That last is what makes a cut pass exact: padded steps
 * that are identical in give identical steps out, and valid steps never see the padding.
 */
import type { JsonValue, LambdaExpr, SliceItem } from '../ir';

/**
 * A tensor of the pass: `time`, its axis 1 is the input's time axis less its first `drop`
 * steps (a cut pass has it shorter by what the cut removed); `static`, no time axis, so a
 * cut pass computes it whole and the same.
 */
export type Timed = { kind: 'time'; rank: number; drop: number };
export type TimeState = Timed | { kind: 'static'; rank: number };

/** A value inside an expression: a tensor, a constant, None, or a list of values. */
export type ExprValue =
  TimeState | { kind: 'const'; value: JsonValue } | { kind: 'none' } | { kind: 'list'; items: ExprValue[] };

/** Why an expression is not computed step by step (its message is a sentence fragment). */
export class MixesSteps extends Error {}

const ELEMENTWISE = new Set([
  'abs',
  'add',
  'cast',
  'ceil',
  'clip',
  'convert_to_tensor',
  'cos',
  'divide',
  'divide_no_nan',
  'elu',
  'equal',
  'erf',
  'exp',
  'floor',
  'gelu',
  'greater',
  'greater_equal',
  'hard_sigmoid',
  'identity',
  'leaky_relu',
  'less',
  'less_equal',
  'log',
  'log1p',
  'logical_and',
  'logical_not',
  'logical_or',
  'maximum',
  'minimum',
  'multiply',
  'negative',
  'not_equal',
  'ones_like',
  'pow',
  'power',
  'relu',
  'relu6',
  'round',
  'rsqrt',
  'selu',
  'sigmoid',
  'sign',
  'silu',
  'sin',
  'softplus',
  'softsign',
  'sqrt',
  'square',
  'stop_gradient',
  'subtract',
  'tanh',
  'where',
  'zeros_like',
]);

/** Functions over the axes `axis=` names: exact when none of them is the batch or the time axis. */
const REDUCING = new Set(['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'std', 'var', 'logsumexp']);
const ALONG_AXIS = new Set(['softmax', 'log_softmax', 'l2_normalize', 'normalize', 'cumsum', 'argmax', 'argmin']);

/** The function's name as the runtime's evaluator reads it (src/worker/layers/lambda.ts). */
export function normalisedFn(fn: string): string {
  return fn.replace(/^(reduce_|math\.|K\.|tf\.|ops\.|np\.|keras\.ops\.|backend\.)/, '').replace(/^reduce_/, '');
}

function isExpr(v: LambdaExpr | JsonValue): v is LambdaExpr {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.op === 'string';
}

function isTensor(v: ExprValue): v is TimeState {
  return v.kind === 'time' || v.kind === 'static';
}

function constNumbers(v: ExprValue | undefined): number[] | null {
  if (!v || v.kind !== 'const') return null;
  if (typeof v.value === 'number') return [v.value];
  if (Array.isArray(v.value) && v.value.every((x): x is number => typeof x === 'number')) return v.value;
  return null;
}

/** Tensors combined value by value (broadcast): the same rank, and time cut the same way, or no tensor has time. */
export function elementwise(operands: ExprValue[], what: string): TimeState | { kind: 'const'; value: JsonValue } {
  const tensors = operands.filter(isTensor);
  if (operands.some((v) => v.kind === 'list' || v.kind === 'none')) throw new MixesSteps(`${what} on a list or None`);
  if (tensors.length === 0) return { kind: 'const', value: null };
  const rank = tensors[0].rank;
  // Broadcasting aligns the last axes: tensors of other ranks would meet time with another axis.
  if (tensors.some((t) => t.rank !== rank)) throw new MixesSteps(`${what} on tensors of different ranks`);
  const timed = tensors.filter((t) => t.kind === 'time');
  if (timed.length === 0) return { kind: 'static', rank };
  if (timed.length !== tensors.length) throw new MixesSteps(`${what} on a tensor over time steps and one without`);
  if (timed.some((t) => t.drop !== timed[0].drop))
    throw new MixesSteps(`${what} on tensors sliced differently in time`);
  return timed[0];
}

/** Axes normalised against `rank`; a time tensor allows only axes past time (2 on). */
function featureAxes(axes: number[], rank: number, x: TimeState, what: string): number[] {
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  if (norm.some((a) => a < 0 || a >= rank)) throw new MixesSteps(`${what} names an axis the tensor does not have`);
  if (x.kind === 'time' && norm.some((a) => a < 2)) throw new MixesSteps(`${what} along the batch or time axis`);
  return norm;
}

/** A slice of a tensor: the batch whole, time from a fixed step on (to the end), any item on the features. */
export function sliced(x: ExprValue, items: SliceItem[], what: string): ExprValue {
  if (!isTensor(x)) throw new MixesSteps(`${what} slices something that is not a tensor`);
  const at = items.findIndex((i) => i.kind === 'ellipsis');
  if (items.some((i) => i.kind === 'newaxis')) throw new MixesSteps(`${what} adds an axis`);
  if (at >= 0 && items.slice(at + 1).some((i) => i.kind === 'ellipsis'))
    throw new MixesSteps(`${what} has two ellipses`);
  const full: SliceItem = { kind: 'range', start: null, stop: null, step: null };
  const expanded =
    at < 0
      ? items
      : [
          ...items.slice(0, at),
          ...Array.from({ length: Math.max(0, x.rank - (items.length - 1)) }, () => full),
          ...items.slice(at + 1),
        ];
  if (expanded.length > x.rank) throw new MixesSteps(`${what} has more indices than the tensor has axes`);
  const isFull = (i: SliceItem | undefined) =>
    !i || (i.kind === 'range' && i.start === null && i.stop === null && (i.step === null || i.step === 1));
  const rank = x.rank - expanded.filter((i) => i.kind === 'index').length;
  if (x.kind === 'static') return { kind: 'static', rank };
  if (!isFull(expanded[0])) throw new MixesSteps(`${what} slices the batch axis`);
  const t = expanded[1];
  if (isFull(t)) return { kind: 'time', rank, drop: x.drop };
  // From a step on, to the end: a cut pass keeps the padded steps after the slice, the
  // uncut one has more of them (the cut is made longer by `drop`, lengthBuckets).
  if (t.kind === 'range' && t.stop === null && (t.step === null || t.step === 1) && t.start !== null && t.start >= 0)
    return { kind: 'time', rank, drop: x.drop + t.start };
  throw new MixesSteps(
    `${what} slices the time axis other than from a fixed step to the end (one step, steps counted from the end, a stop or a stride)`,
  );
}

/** A function call on values: step by step, or why not. */
export function called(fn: string, args: ExprValue[], kwargs: Record<string, ExprValue>, what: string): ExprValue {
  const name = normalisedFn(fn);
  const label = `${what} calls ${name}`;
  if (ELEMENTWISE.has(name)) return elementwise([...args, ...Object.values(kwargs)], label);
  const x = args[0];
  const axisArg = kwargs.axis ?? args[1];
  if (REDUCING.has(name) || ALONG_AXIS.has(name)) {
    if (!x || !isTensor(x)) throw new MixesSteps(`${label} on something that is not a tensor`);
    if (x.kind === 'static') return { kind: 'static', rank: x.rank };
    const given = axisArg === undefined ? null : constNumbers(axisArg);
    // No axis: every axis (reductions) or the last (softmax and the like).
    const axes = given ?? (REDUCING.has(name) ? null : [-1]);
    if (axes === null) throw new MixesSteps(`${label} over every axis`);
    const norm = featureAxes(axes, x.rank, x, label);
    const keep = [kwargs.keepdims, kwargs.keep_dims, kwargs.keepDims, args[2]].some(
      (v) => v?.kind === 'const' && v.value === true,
    );
    const reduces = REDUCING.has(name) || name === 'argmax' || name === 'argmin';
    return { kind: 'time', rank: reduces && !keep ? x.rank - new Set(norm).size : x.rank, drop: x.drop };
  }
  if (name === 'expand_dims') {
    if (!x || !isTensor(x)) throw new MixesSteps(`${label} on something that is not a tensor`);
    const axis = constNumbers(axisArg ?? { kind: 'const', value: 0 });
    if (!axis || axis.length !== 1) throw new MixesSteps(`${label} with an axis MaskLens cannot read`);
    if (x.kind === 'static') return { kind: 'static', rank: x.rank + 1 };
    featureAxes(axis, x.rank + 1, x, label);
    return { kind: 'time', rank: x.rank + 1, drop: x.drop };
  }
  if (name === 'squeeze') {
    if (!x || !isTensor(x)) throw new MixesSteps(`${label} on something that is not a tensor`);
    const axis = axisArg === undefined ? null : constNumbers(axisArg);
    if (x.kind === 'static') throw new MixesSteps(`${label}, whose rank MaskLens does not follow`);
    if (!axis) throw new MixesSteps(`${label} with no axis`);
    const norm = featureAxes(axis, x.rank, x, label);
    return { kind: 'time', rank: x.rank - new Set(norm).size, drop: x.drop };
  }
  if (name === 'concatenate' || name === 'concat') {
    if (!x || x.kind !== 'list') throw new MixesSteps(`${label} on something that is not a list`);
    const joined = elementwise(x.items, label);
    if (joined.kind !== 'time') return joined;
    const axis = constNumbers(axisArg ?? { kind: 'const', value: -1 });
    if (!axis || axis.length !== 1) throw new MixesSteps(`${label} with an axis MaskLens cannot read`);
    featureAxes(axis, joined.rank, joined, label);
    return joined;
  }
  throw new MixesSteps(`${label}, which MaskLens does not know to keep timesteps apart`);
}

/** A Lambda body (or its mask function), evaluated over what its parameters are. */
export function exprTime(expr: LambdaExpr, params: ExprValue[], what: string): ExprValue {
  switch (expr.op) {
    case 'param': {
      const v = params[expr.index];
      if (!v) throw new MixesSteps(`${what} reads a parameter MaskLens does not bind`);
      return v;
    }
    case 'const':
      return { kind: 'const', value: expr.value };
    case 'slice':
      return sliced(exprTime(expr.target, params, what), expr.items, what);
    case 'binary':
      return elementwise(
        [exprTime(expr.left, params, what), exprTime(expr.right, params, what)],
        `${what}'s ${expr.operator}`,
      );
    case 'unary':
      return elementwise([exprTime(expr.operand, params, what)], `${what}'s ${expr.operator}`);
    case 'call': {
      const kwargs: Record<string, ExprValue> = {};
      for (const [k, v] of Object.entries(expr.kwargs))
        kwargs[k] = isExpr(v) ? exprTime(v, params, what) : { kind: 'const', value: v };
      const args = expr.args.map((a) => exprTime(a, params, what));
      // A list literal (`[a, b]` for concatenate) is a call of `list`.
      if (normalisedFn(expr.fn) === 'list' || normalisedFn(expr.fn) === 'tuple') return { kind: 'list', items: args };
      return called(expr.fn, args, kwargs, what);
    }
    default:
      throw new MixesSteps(`${what} holds a ${expr.op} MaskLens does not follow step by step`);
  }
}
