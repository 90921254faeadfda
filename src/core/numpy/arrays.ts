/**
 * NumPy arrays as a static reader sees them: their shape (from inline literals,
 * `np.zeros((32, T, F))`, `.reshape(...)`, slicing), small literal contents, and whether
 * they are padded with NaN (a value no loss mask can remove).
 */
import type { JsonValue } from '../ir';
import { sliceLength } from '../runtime/slicing';
import type { CallArgs, SubscriptItem } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import type { Dim, Shape } from '../objects/modelObjects';
import { rangeOf, type Syntax } from '../python/syntax';
import { asInt, asNumber, asString, NONE, num, seq, str, toJson, unknown, type Value } from '../objects/values';

type ArrayValue = Value & { t: 'array' };

const MAX_LITERAL = 10_000;

/** A size NumPy could allocate: a non-negative integer below 2^31; any other is not known. */
function validDim(d: Dim): Dim {
  return typeof d === 'number' && !(Number.isInteger(d) && d >= 0 && d < 2 ** 31) ? null : d;
}

export function makeArray(shape: Shape, dtype = 'float64', extra: Partial<ArrayValue> = {}): ArrayValue {
  return { t: 'array', shape: shape.map(validDim), dtype, fill: null, data: null, nanPadded: false, ...extra };
}

/** Shape of a nested list literal, or null when ragged/unknown. */
function literalShape(v: Value): Shape | null {
  if (v.t === 'array') return v.shape;
  if (v.t !== 'seq') return asNumber(v) !== null ? [] : null;
  if (v.items.length === 0) return [0];
  const inner = v.items.map(literalShape);
  const first = inner[0];
  if (!first || inner.some((s) => !s || s.length !== first.length || s.some((d, i) => d !== first[i]))) return null;
  return [v.items.length, ...first];
}

/** NumPy's dtype for a literal: int64 if every number is an int, float64 if any is a float. */
function literalDtype(v: Value): string {
  return literalKind(v, 'bool');
}

function literalKind(x: Value, kind: 'bool' | 'int64' | 'float64'): 'bool' | 'int64' | 'float64' {
  if (x.t === 'seq') {
    for (const item of x.items) kind = literalKind(item, kind);
    return kind;
  }
  if (x.t === 'num') return !x.int ? 'float64' : kind === 'float64' ? kind : 'int64';
  if (x.t === 'array') return x.dtype.startsWith('float') ? 'float64' : kind;
  return kind;
}

function count(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

function dimOf(v: Value): Dim {
  const n = asInt(v);
  if (n !== null) return n;
  if (v.t === 'none') return null;
  return { unresolved: v.t === 'unknown' && v.key ? v.key : '?' };
}

export function shapeArg(v: Value | undefined): Shape | null {
  if (!v) return null;
  if (v.t === 'seq') return v.items.map(dimOf);
  const n = asInt(v);
  if (n !== null) return [n];
  if (v.t === 'unknown') return null;
  return null;
}

function dtypeArg(v: Value | undefined, fallback: string): string {
  if (!v) return fallback;
  if (v.t === 'str') return v.v;
  if (v.t === 'ref') return v.qual.split('.').pop() ?? fallback;
  return fallback;
}

/** Reports NaN padding where it is created: it cannot be masked out of a loss. */
export function reportNanPadding(ctx: Ctx, node: Syntax): void {
  ctx.report(
    'nan-padding',
    'warning',
    "Padding with NaN cannot be masked out of a loss: Keras applies the mask by multiplying each step's loss by 0 or 1, and 0 * nan = nan, so one NaN step makes the whole loss NaN. Pad with a finite value (e.g. 0.0) and mask that value instead.",
    rangeOf(node),
  );
}

function isNan(v: Value | undefined): boolean {
  return v?.t === 'num' && Number.isNaN(v.v);
}

/** `numpy.*` calls a reader can follow; null for the rest. */
export function numpyCall(ctx: Ctx, fn: string, args: CallArgs): Value | null {
  const name = fn.replace(/^numpy\.(random\.)?/, '');
  const random = fn.startsWith('numpy.random.');
  const p0 = args.pos[0];
  if (!random) {
    switch (name) {
      case 'array':
      case 'asarray': {
        if (!p0) return null;
        const shape = literalShape(p0);
        const n = shape ? count(shape) : null;
        const data = n !== null && n <= MAX_LITERAL ? (toJson(p0) ?? null) : null;
        return makeArray(shape ?? [null], dtypeArg(args.kw.get('dtype') ?? args.pos[1], literalDtype(p0)), { data });
      }
      case 'zeros':
      case 'ones':
      case 'empty':
        return makeArray(
          shapeArg(p0 ?? args.kw.get('shape')) ?? [null],
          dtypeArg(args.kw.get('dtype') ?? args.pos[1], 'float64'),
          { fill: name === 'ones' ? 1 : name === 'zeros' ? 0 : null },
        );
      case 'full': {
        const fill = args.pos[1] ?? args.kw.get('fill_value');
        if (isNan(fill)) reportNanPadding(ctx, args.posNodes[1] ?? args.kwNodes.get('fill_value') ?? args.node);
        return makeArray(
          shapeArg(p0 ?? args.kw.get('shape')) ?? [null],
          dtypeArg(args.kw.get('dtype') ?? args.pos[2], 'float64'),
          { fill: asNumber(fill), nanPadded: isNan(fill) },
        );
      }
      case 'zeros_like':
      case 'ones_like':
      case 'full_like':
        return p0?.t === 'array' ? makeArray(p0.shape, p0.dtype) : null;
      case 'arange': {
        const nums = args.pos.map(asNumber);
        if (nums.length === 0 || nums.some((n) => n === null || !Number.isFinite(n))) return makeArray([null], 'int64');
        const [start, stop, step] =
          nums.length === 1
            ? [0, nums[0] as number, 1]
            : [nums[0] as number, nums[1] as number, (nums[2] ?? 1) as number];
        const length = step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
        const data = length <= MAX_LITERAL ? Array.from({ length }, (_, i) => start + i * step) : null;
        return makeArray([length], 'int64', { data });
      }
      case 'nan_to_num':
        return p0?.t === 'array' ? { ...p0, nanPadded: false } : null;
      case 'load':
      case 'loadtxt':
        return loadedFile(name, args);
      default:
        return null;
    }
  }
  // numpy.random.*: only the shape matters.
  switch (name) {
    case 'rand':
    case 'randn':
      return makeArray(args.pos.map(dimOf), 'float64');
    case 'random':
    case 'random_sample':
    case 'normal':
    case 'uniform':
    case 'randint':
    case 'integers':
    case 'choice': {
      const size =
        args.kw.get('size') ??
        (name === 'random' || name === 'random_sample'
          ? p0
          : name === 'randint' || name === 'integers'
            ? args.pos[2]
            : args.pos[2]);
      const shape = shapeArg(size);
      return makeArray(shape ?? [null], name === 'randint' || name === 'integers' ? 'int64' : 'float64');
    }
    default:
      return null;
  }
}

/** Readers whose files the runtime reads the same way: `.npy`/`.npz` by np.load, comma-separated text by np.loadtxt. */
const READS: Record<string, RegExp> = { load: /\.(npy|npz)$/i, loadtxt: /\.csv$/i };

/**
 * `np.load(path)` / `np.loadtxt(path)` with a path the source writes: an array of unknown shape
 * that remembers its file, so the file can be offered as the model's data. Keywords that change
 * what is read (`usecols`, `skiprows`; `mmap_mode` and `allow_pickle` do not) leave it unremembered.
 */
function loadedFile(name: string, args: CallArgs): Value {
  const range = rangeOf(args.node);
  const path = args.pos[0] ?? args.kw.get('file') ?? args.kw.get('fname');
  const changesWhatIsRead = [...args.kw.keys()].some(
    (k) => !['file', 'fname', 'allow_pickle', 'mmap_mode', 'delimiter', 'dtype'].includes(k),
  );
  const delimiter = args.kw.get('delimiter');
  const commaSeparated = name !== 'loadtxt' || (delimiter?.t === 'str' && delimiter.v === ',');
  if (path?.t !== 'str' || args.pos.length > 1 || changesWhatIsRead || !commaSeparated || !READS[name].test(path.v))
    return unknown(null, range);
  return { t: 'unknown', key: null, range, file: { path: path.v, call: `np.${name}`, range } };
}

/**
 * `pd.read_csv(path)` of a comma-separated file read whole (a header row or `header=None`): a
 * table that remembers its file; `.values` / `.to_numpy()` of it are the runtime's own reading
 * of that file. Column choices (`usecols`, `index_col`, `df[['a', 'b']]`) are not followed.
 */
export function pandasReadCsv(args: CallArgs): Value {
  const range = rangeOf(args.node);
  const path = args.pos[0] ?? args.kw.get('filepath_or_buffer');
  const header = args.kw.get('header');
  const separator = args.kw.get('sep') ?? args.kw.get('delimiter');
  const plain =
    args.pos.length <= 1 &&
    [...args.kw.keys()].every((k) => ['filepath_or_buffer', 'header', 'sep', 'delimiter', 'dtype'].includes(k)) &&
    (header === undefined ||
      header.t === 'none' ||
      (header.t === 'num' && header.v === 0) ||
      (header.t === 'str' && header.v === 'infer')) &&
    (separator === undefined || (separator.t === 'str' && separator.v === ','));
  if (path?.t !== 'str' || !plain || !/\.csv$/i.test(path.v)) return unknown(null, range);
  return { t: 'unknown', key: null, range, file: { path: path.v, call: 'pd.read_csv', range } };
}

/** What keeps a loaded file's values as the runtime reads them: a table's `.values` / `.to_numpy()`, any `.astype(...)`. */
export const SAME_VALUES = new Set(['values', 'to_numpy', 'astype']);

export function arrayAttribute(ctx: Ctx, a: ArrayValue, name: string, node: Syntax): Value {
  switch (name) {
    case 'shape':
      return seq(
        a.shape.map((d) =>
          typeof d === 'number' ? num(d) : unknown(d === null ? `${node.text}` : d.unresolved, rangeOf(node)),
        ),
      );
    case 'ndim':
      return num(a.shape.length);
    case 'size': {
      const n = count(a.shape);
      return n === null ? unknown(null, rangeOf(node)) : num(n);
    }
    case 'dtype':
      return str(a.dtype);
    case 'T':
      return makeArray([...a.shape].reverse(), a.dtype);
    default:
      return { t: 'method', self: a, name };
  }
}

/** Methods of arrays: `reshape`, `astype`, `copy`, `flatten`. */
export function arrayMethod(a: ArrayValue, name: string, args: CallArgs): Value {
  switch (name) {
    case 'reshape': {
      const dims = args.pos.length === 1 ? shapeArg(args.pos[0]) : args.pos.map(dimOf);
      if (!dims) return makeArray([null], a.dtype);
      const total = count(a.shape);
      const known = dims.filter((d) => d !== -1);
      const knownCount = count(known);
      const inferred = total !== null && knownCount ? total / knownCount : null;
      const shape = dims.map((d) =>
        d === -1 ? (inferred !== null && Number.isInteger(inferred) ? inferred : null) : d,
      );
      // NumPy raises on any other negative or a fractional size: the shape is not known.
      if (shape.some((d) => typeof d === 'number' && (d < 0 || !Number.isInteger(d))))
        return makeArray(
          shape.map(() => null),
          a.dtype,
        );
      return { ...a, shape, data: a.data !== null && total !== null ? reshapeData(a.data, shape) : null };
    }
    case 'astype':
      return { ...a, dtype: dtypeArg(args.pos[0], a.dtype) };
    case 'copy':
      return { ...a };
    case 'flatten':
    case 'ravel': {
      const n = count(a.shape);
      return makeArray([n], a.dtype);
    }
    default:
      return unknown(null);
  }
}

function reshapeData(data: JsonValue, shape: Shape): JsonValue | null {
  const flat: JsonValue[] = [];
  const walk = (v: JsonValue): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else flat.push(v);
  };
  walk(data);
  if (shape.some((d) => typeof d !== 'number')) return null;
  const dims = shape as number[];
  let k = 0;
  const build = (axis: number): JsonValue => {
    if (axis === dims.length) return flat[k++] ?? null;
    return Array.from({ length: dims[axis] }, () => build(axis + 1));
  };
  return count(dims) === flat.length ? build(0) : null;
}

/** The shape after NumPy-style indexing, or null when it cannot be followed. */
export function sliceShape(shape: Shape, items: SubscriptItem[]): Shape | null {
  const out: Shape = [];
  let axis = 0;
  const explicit = items.filter((i) => i.kind !== 'ellipsis' && !(i.kind === 'index' && i.value.t === 'none')).length;
  for (const item of items) {
    if (item.kind === 'ellipsis') {
      const skip = shape.length - explicit;
      for (let k = 0; k < skip; k++) out.push(shape[axis++]);
      continue;
    }
    if (item.kind === 'index') {
      if (item.value.t === 'none') {
        out.push(1);
        continue;
      }
      if (asInt(item.value) === null) return null;
      axis++;
      continue;
    }
    const dim = shape[axis++];
    const start = item.start.t === 'none' ? null : asInt(item.start);
    const stop = item.stop.t === 'none' ? null : asInt(item.stop);
    const step = item.step.t === 'none' ? 1 : asInt(item.step);
    if (
      typeof dim !== 'number' ||
      step === null ||
      (start === null && item.start.t !== 'none') ||
      (stop === null && item.stop.t !== 'none')
    ) {
      out.push(null);
      continue;
    }
    out.push(sliceLength(dim, start, stop, step));
  }
  while (axis < shape.length) out.push(shape[axis++]);
  return out;
}

/** `pad_sequences(seqs, maxlen=, value=)`: NaN as the value is NaN padding. */
export function padSequences(ctx: Ctx, args: CallArgs): Value {
  const value = args.kw.get('value') ?? args.pos[5];
  if (isNan(value)) reportNanPadding(ctx, args.kwNodes.get('value') ?? args.posNodes[5] ?? args.node);
  const seqs = args.pos[0];
  const samples = seqs?.t === 'seq' ? seqs.items.length : seqs?.t === 'array' ? (seqs.shape[0] ?? null) : null;
  const maxlenValue = args.kw.get('maxlen') ?? args.pos[1];
  let maxlen: Dim = asInt(maxlenValue);
  if (maxlen === null && seqs?.t === 'seq') {
    const lengths = seqs.items.map((s) =>
      s.t === 'seq' ? s.items.length : s.t === 'array' && typeof s.shape[0] === 'number' ? s.shape[0] : null,
    );
    if (lengths.every((l) => l !== null)) maxlen = Math.max(0, ...(lengths as number[]));
  }
  const dtype = asString(args.kw.get('dtype')) ?? 'int32';
  // Sequences of feature vectors pad to (samples, maxlen, features).
  const features = seqs ? featureShape(seqs) : [];
  const padValue = asNumber(value ?? NONE) ?? 0;
  return makeArray([typeof samples === 'number' ? samples : null, maxlen, ...features], dtype, {
    nanPadded: isNan(value),
    fill: padValue,
    padValue,
  });
}

/** The per-step shape of sequences: [] for sequences of ids, [F] for sequences of F-vectors (nested lists or arrays). */
function featureShape(seqs: Value): Shape {
  if (seqs.t === 'array') return seqs.shape.slice(2);
  if (seqs.t !== 'seq') return [];
  for (const sequence of seqs.items) {
    if (sequence.t === 'array') return sequence.shape.slice(1);
    if (sequence.t !== 'seq' || sequence.items.length === 0) continue;
    const step = literalShape(sequence.items[0]);
    return step ?? [];
  }
  return [];
}
