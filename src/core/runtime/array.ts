/**
 * A plain n-dimensional array, the one currency between data readers, the worker and
 * results. Values live in a Float64Array whatever the source dtype: float32 and every
 * integer a model can index with are exact there, and NaN survives (JSON would lose it).
 */

export type ArrayKind = 'float' | 'int' | 'bool';

export interface NdArray {
  shape: number[];
  kind: ArrayKind;
  data: Float64Array;
  /** The dtype as the source spelled it (`<f4`, `int64`, `csv`), for messages. */
  sourceDtype: string;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function ndarray(
  shape: number[],
  data: ArrayLike<number>,
  kind: ArrayKind = 'float',
  sourceDtype = 'float32',
): NdArray {
  const out = data instanceof Float64Array ? data : Float64Array.from(data);
  if (out.length !== sizeOf(shape)) {
    throw new Error(`array of ${out.length} values cannot have shape [${shape.join(', ')}]`);
  }
  return { shape: [...shape], kind, data: out, sourceDtype };
}

/** C-order strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export type Nested = number | Nested[];

/** Nested JS arrays in C order (for results); `map` lets callers round or null NaN. */
export function toNested(shape: readonly number[], data: ArrayLike<number>, offset = 0): Nested[] {
  if (shape.length === 0) return [data[offset]];
  const [n, ...rest] = shape;
  const inner = sizeOf(rest);
  const out: Nested[] = [];
  for (let i = 0; i < n; i++) {
    out.push(rest.length === 0 ? data[offset + i] : toNested(rest, data, offset + i * inner));
  }
  return out;
}

/** Rows `indices` of the first axis. */
export function takeRows(a: NdArray, indices: readonly number[]): NdArray {
  const inner = sizeOf(a.shape.slice(1));
  const data = new Float64Array(indices.length * inner);
  indices.forEach((row, i) => data.set(a.data.subarray(row * inner, (row + 1) * inner), i * inner));
  return { ...a, shape: [indices.length, ...a.shape.slice(1)], data };
}

/** Where a flat index lies in an array of this shape. */
function positionOf(shape: readonly number[], flat: number): number[] {
  const strides = stridesOf(shape);
  return strides.map((s, i) => Math.floor(flat / s) % shape[i]);
}

/** NaN and ±Infinity in an array: how many, and the position of the first of each. */
export function countNonFinite(a: NdArray): {
  nan: number;
  inf: number;
  firstNaN: number[] | null;
  firstInf: number[] | null;
} {
  let nan = 0;
  let inf = 0;
  let firstNaN = -1;
  let firstInf = -1;
  for (let i = 0; i < a.data.length; i++) {
    const v = a.data[i];
    if (v - v === 0) continue; // finite
    if (Number.isNaN(v)) {
      if (firstNaN < 0) firstNaN = i;
      nan++;
    } else {
      if (firstInf < 0) firstInf = i;
      inf++;
    }
  }
  return {
    nan,
    inf,
    firstNaN: firstNaN < 0 ? null : positionOf(a.shape, firstNaN),
    firstInf: firstInf < 0 ? null : positionOf(a.shape, firstInf),
  };
}
