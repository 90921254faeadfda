/**
 * Evaluates array expressions written inline in the user's source (`np.array([...])`,
 * `np.arange(12).reshape(1, 4, 3)`, `np.zeros/ones/full`, `pad_sequences(...)`, slices), the
 * way NumPy and Keras would, without running Python.
 */
import type { JsonValue } from '../ir';
import { formatShape } from '../format';
import { type NdArray, sizeOf, stridesOf } from '../runtime/array';
import type { MemoryBudget } from '../runtime/memory';
import { planSlice, SliceError } from '../runtime/slicing';
import type { InlineArrayExpr } from '../protocol/runtimeTasks';
import { DataError } from './errors';
import { kindOfDtype, nestedToNdArray } from './nested';

function castTo(a: NdArray, dtype: string): NdArray {
  const kind = kindOfDtype(dtype);
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = a.data[i];
    if (kind === 'bool') data[i] = v !== 0 ? 1 : 0;
    else if (kind === 'int') data[i] = Number.isFinite(v) ? Math.trunc(v) : v;
    else data[i] = dtype === 'float32' ? Math.fround(v) : v;
  }
  return { shape: a.shape, kind, data, sourceDtype: dtype };
}

function reshape(a: NdArray, shape: number[], location: string): NdArray {
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new DataError('reshape can only infer one dimension (-1)', 'data-shape', location);
  const known = shape.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
  const resolved = shape.map((d) => (d === -1 ? (known === 0 ? 0 : a.data.length / known) : d));
  if (!resolved.every(Number.isInteger) || sizeOf(resolved) !== a.data.length) {
    throw new DataError(
      `cannot reshape array of size ${a.data.length} into shape (${shape.join(', ')})`,
      'data-shape',
      location,
    );
  }
  return { ...a, shape: resolved };
}

export function sliceNdArray(a: NdArray, items: Parameters<typeof planSlice>[1], location: string): NdArray {
  let plan;
  try {
    plan = planSlice(a.shape, items);
  } catch (error) {
    throw new DataError(error instanceof SliceError ? error.message : String(error), 'data-shape', location);
  }
  const strides = stridesOf(a.shape);
  const out = new Float64Array(sizeOf(plan.shape));
  let k = 0;
  const walk = (axis: number, offset: number): void => {
    if (axis === plan.axes.length) {
      out[k++] = a.data[offset];
      return;
    }
    for (const i of plan.axes[axis].indices) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
  return { ...a, shape: plan.shape, data: out };
}

function sequenceLength(s: JsonValue): number {
  return Array.isArray(s) ? s.length : 0;
}

/** keras.utils.pad_sequences (defaults: maxlen = longest, dtype int32, pre padding and truncating, value 0). */
function padSequences(expr: Extract<InlineArrayExpr, { op: 'pad_sequences' }>, location: string): NdArray {
  if (!Array.isArray(expr.sequences))
    throw new DataError('pad_sequences expects a list of sequences', 'data-format', location);
  const seqs = expr.sequences;
  const maxlen = expr.maxlen ?? seqs.reduce<number>((a, q) => Math.max(a, sequenceLength(q)), 0); // no spread: a long list would overflow the stack
  const first = seqs.find((s) => sequenceLength(s) > 0);
  const sampleShape = first === undefined ? [] : nestedToNdArray(first, location).shape.slice(1);
  const inner = sizeOf(sampleShape);
  const dtype = expr.dtype ?? 'int32';
  const value = expr.value ?? 0;
  const data = new Float64Array(seqs.length * maxlen * inner).fill(value);
  seqs.forEach((s, idx) => {
    if (sequenceLength(s) === 0) return;
    const arr = nestedToNdArray(s, `${location}[${idx}]`);
    if (arr.shape.slice(1).join(',') !== sampleShape.join(',')) {
      throw new DataError(
        `pad_sequences: sequence ${idx} has item shape (${arr.shape.slice(1).join(', ')}), expected (${sampleShape.join(', ')})`,
        'data-shape',
        location,
      );
    }
    const n = arr.shape[0];
    const keep = Math.min(n, maxlen);
    const from = (expr.truncating ?? 'pre') === 'pre' ? n - keep : 0;
    const to = (expr.padding ?? 'pre') === 'post' ? 0 : maxlen - keep;
    data.set(arr.data.subarray(from * inner, (from + keep) * inner), (idx * maxlen + to) * inner);
  });
  return castTo({ shape: [seqs.length, maxlen, ...sampleShape], kind: 'float', data, sourceDtype: dtype }, dtype);
}

/** The shape of a nested list, read from its first items (a ragged one is refused when it is built). */
function nestedShape(value: JsonValue): number[] {
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  return shape;
}

/** The most values any step of the expression holds, known without building anything. */
export function inlineValues(expr: InlineArrayExpr): number {
  switch (expr.op) {
    case 'array':
      return sizeOf(nestedShape(expr.value));
    case 'arange':
      return Math.max(0, Math.ceil((expr.stop - expr.start) / (expr.step || 1)));
    case 'zeros':
    case 'ones':
    case 'full':
      return sizeOf(expr.shape);
    case 'reshape':
    case 'astype':
    case 'slice': // a slice holds at most what it slices
      return inlineValues(expr.target);
    case 'pad_sequences': {
      const seqs = Array.isArray(expr.sequences) ? expr.sequences : [];
      const maxlen = expr.maxlen ?? seqs.reduce<number>((a, q) => Math.max(a, sequenceLength(q)), 0);
      const first = seqs.find((q) => sequenceLength(q) > 0);
      return seqs.length * maxlen * (first === undefined ? 1 : sizeOf(nestedShape(first).slice(1)));
    }
  }
}

/** The expression as the source would read (`np.zeros((50000000, 4))`), short enough for a message. */
export function inlineText(expr: InlineArrayExpr): string {
  const text = ((): string => {
    switch (expr.op) {
      case 'array':
        return `np.array(<a list of shape ${formatShape(nestedShape(expr.value))}>)`;
      case 'arange':
        return `np.arange(${expr.start}, ${expr.stop}${expr.step !== undefined ? `, ${expr.step}` : ''})`;
      case 'zeros':
      case 'ones':
        return `np.${expr.op}(${formatShape(expr.shape)})`;
      case 'full':
        return `np.full(${formatShape(expr.shape)}, ${expr.fill})`;
      case 'reshape':
        return `${inlineText(expr.target)}.reshape(${formatShape(expr.shape)})`;
      case 'astype':
        return `${inlineText(expr.target)}.astype('${expr.dtype}')`;
      case 'slice':
        return `${inlineText(expr.target)}[…]`;
      case 'pad_sequences':
        return `pad_sequences(<${Array.isArray(expr.sequences) ? expr.sequences.length : 0} sequences>${expr.maxlen ? `, maxlen=${expr.maxlen}` : ''})`;
    }
  })();
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

/**
 * Builds an inline array. `budget` is charged first for the most the evaluation holds at
 * once (a step's input and its output, as float64), so `np.zeros((50000000, 4))` is refused
 * before a single value exists; what the result keeps stays charged.
 */
export function evaluateInlineArray(expr: InlineArrayExpr, location: string, budget?: MemoryBudget): NdArray {
  if (!budget) return evaluate(expr, location);
  const values = inlineValues(expr);
  const peak = values * 8 * 2;
  budget.take(peak, `\`${inlineText(expr)}\` (${values.toLocaleString('en-US')} values)`, location);
  const result = evaluate(expr, location);
  budget.release(peak - result.data.length * 8);
  return result;
}

function evaluate(expr: InlineArrayExpr, location: string): NdArray {
  switch (expr.op) {
    case 'array': {
      const a = nestedToNdArray(expr.value, location, expr.dtype ?? 'numpy');
      return expr.dtype ? castTo(a, expr.dtype) : a;
    }
    case 'arange': {
      const step = expr.step ?? 1;
      if (step === 0) throw new DataError('arange step cannot be zero', 'data-format', location);
      const n = Math.max(0, Math.ceil((expr.stop - expr.start) / step));
      const data = Float64Array.from({ length: n }, (_, i) => expr.start + i * step);
      const integral = [expr.start, expr.stop, step].every(Number.isInteger);
      const a: NdArray = {
        shape: [n],
        kind: integral ? 'int' : 'float',
        data,
        sourceDtype: integral ? 'int64' : 'float64',
      };
      return expr.dtype ? castTo(a, expr.dtype) : a;
    }
    case 'zeros':
    case 'ones':
    case 'full': {
      const fill = 'fill' in expr ? expr.fill : expr.op === 'ones' ? 1 : 0;
      const dtype = expr.dtype ?? (expr.op === 'full' && Number.isInteger(fill) ? 'int64' : 'float64');
      return castTo(
        {
          shape: [...expr.shape],
          kind: 'float',
          data: new Float64Array(sizeOf(expr.shape)).fill(fill),
          sourceDtype: dtype,
        },
        dtype,
      );
    }
    case 'reshape':
      return reshape(evaluate(expr.target, location), expr.shape, location);
    case 'astype':
      return castTo(evaluate(expr.target, location), expr.dtype);
    case 'slice':
      return sliceNdArray(evaluate(expr.target, location), expr.items, location);
    case 'pad_sequences':
      return padSequences(expr, location);
  }
}
