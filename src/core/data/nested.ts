/** Nested JSON arrays ↔ NdArray, with the position of the first ragged row or bad value. */
import type { JsonValue } from '../ir';
import { type ArrayKind, type NdArray, sizeOf } from '../runtime/array';
import type { ArrayValue } from '../protocol/runtimeTasks';
import { DataError } from './errors';

function scalar(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === 'NaN' || v === 'nan') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return undefined;
}

/** What kind of JSON value `v` is, in words ("a string", "an object"), for messages that must not quote it. */
export function kindOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'number') return 'a number';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

export function nestedToNdArray(value: JsonValue, location: string, sourceDtype = 'json'): NdArray {
  const shape: number[] = [];
  let probe: JsonValue = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data = new Float64Array(sizeOf(shape));
  let k = 0;
  let allInt = true;
  let allBool = true;
  const walk = (v: JsonValue, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      const x = scalar(v);
      if (x === undefined || Array.isArray(v)) {
        // Say what kind of value it is, never what it holds: the file may hold anything.
        throw new DataError(
          `value at [${path.join(', ')}] is ${Array.isArray(v) ? 'a nested list deeper than its neighbours' : kindOfValue(v)}, not a number`,
          Array.isArray(v) ? 'data-shape' : 'data-dtype',
          location,
        );
      }
      if (!Number.isInteger(x)) allInt = false;
      if (typeof v !== 'boolean') allBool = false;
      data[k++] = x;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `${v.length} items` : 'a scalar';
      throw new DataError(
        `ragged nested list: at [${path.join(', ')}] expected ${shape[depth]} items (like the first row), found ${got}; pad sequences to one length first`,
        'data-shape',
        location,
      );
    }
    v.forEach((item, i) => walk(item, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  const kind: ArrayKind = data.length > 0 && allBool ? 'bool' : allInt ? 'int' : 'float';
  return { shape, kind, data, sourceDtype };
}

const INT_DTYPES = /^(u?int(8|16|32|64)?|int_|long|bool)$/;

export function kindOfDtype(dtype: string): ArrayKind {
  if (dtype === 'bool') return 'bool';
  return INT_DTYPES.test(dtype) ? 'int' : 'float';
}

/** An `ArrayValue` (`{shape, dtype, values}`) from a request or fixture. */
export function arrayValueToNdArray(value: ArrayValue, location: string): NdArray {
  const n = sizeOf(value.shape);
  if (value.values.length !== n) {
    throw new DataError(
      `${value.values.length} values cannot fill shape [${value.shape.join(', ')}] (${n} values)`,
      'data-shape',
      location,
    );
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = scalar(value.values[i]);
    if (x === undefined)
      throw new DataError(`value ${i} is ${kindOfValue(value.values[i])}, not a number`, 'data-dtype', location);
    data[i] = x;
  }
  return { shape: [...value.shape], kind: kindOfDtype(value.dtype), data, sourceDtype: value.dtype };
}
