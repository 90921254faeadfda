/**
 * JSON data files: a nested list, a `{shape, dtype, values}` object, or an object of those
 * keyed `x` / `y` / `sample_weight` (or any names, chosen with `keys`). Every key of such an
 * object must hold an array: a key holding anything else is refused by name, never skipped.
 */
import type { JsonValue } from '../ir';
import type { NdArray } from '../runtime/array';
import { arrayValueSchema } from '../protocol/runtimeTasks';
import { DataError } from './errors';
import { parseJsonText } from './jsonText';
import { arrayValueToNdArray, kindOfValue, nestedToNdArray } from './nested';

/** A key as messages show it: structure, not content, so long ones are cut. */
export const keyName = (key: string): string => `'${key.length > 40 ? `${key.slice(0, 39)}…` : key}'`;

function one(value: JsonValue, location: string): NdArray {
  if (Array.isArray(value)) return nestedToNdArray(value, location);
  const flat = arrayValueSchema.safeParse(value);
  if (flat.success) return arrayValueToNdArray(flat.data, location);
  throw new DataError('expected a nested list of numbers or {"shape", "values"}', 'data-format', location);
}

/** All arrays in the file; a bare array is returned under the key "". */
export function parseJsonArrays(text: string, location: string): Record<string, NdArray> {
  // Python's json.dumps writes NaN/Infinity bare; accept them as the strings we use elsewhere.
  const value = parseJsonText(text.replace(/(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[\],}])/g, '"$1"'), location);
  if (Array.isArray(value)) return { '': one(value, location) };
  if (value === null || typeof value !== 'object')
    throw new DataError(
      `expected an array or an object of arrays, found ${kindOfValue(value)}`,
      'data-format',
      location,
    );
  if (arrayValueSchema.safeParse(value).success) return { '': one(value, location) };
  const out: Record<string, NdArray> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!Array.isArray(v) && (v === null || typeof v !== 'object')) {
      throw new DataError(
        `key ${keyName(key)} holds ${kindOfValue(v)}, not an array (a nested list of numbers or {"shape", "values"})`,
        'data-format',
        location,
      );
    }
    out[key] = one(v, `${location}[${keyName(key)}]`);
  }
  if (Object.keys(out).length === 0) throw new DataError('the JSON object holds no arrays', 'data-format', location);
  return out;
}
