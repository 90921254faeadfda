/**
 * Python/NumPy basic indexing (`x[:, N:, :]`, `m[..., ::-1]`, `x[:, -1]`, `x[:, None]`),
 * planned once as index lists per axis, so the inline-data evaluator (plain arrays) and
 * the Lambda executor (tensors) slice identically.
 */
import { z } from 'zod';
import type { SliceItem } from '../ir';

export interface AxisSelection {
  /** Source indices along this axis, in output order. */
  indices: number[];
  /** False for an integer index: the axis disappears. */
  keep: boolean;
}

export interface SlicePlan {
  axes: AxisSelection[];
  /** Output positions (in the final shape) of `None`/`newaxis` items. */
  newAxes: number[];
  shape: number[];
}

export class SliceError extends Error {}

export function rangeIndices(n: number, start: number | null, stop: number | null, step: number | null): number[] {
  const s = step ?? 1;
  if (s === 0) throw new SliceError('slice step cannot be zero');
  const out: number[] = [];
  if (s > 0) {
    let a = start ?? 0;
    let b = stop ?? n;
    if (a < 0) a = Math.max(0, a + n);
    if (b < 0) b = Math.max(0, b + n);
    a = Math.min(a, n);
    b = Math.min(b, n);
    for (let i = a; i < b; i += s) out.push(i);
  } else {
    let a = start ?? n - 1;
    let b = stop ?? -n - 1;
    if (a < 0) a += n;
    if (b < 0) b += n;
    a = Math.min(a, n - 1);
    b = Math.max(b, -1);
    for (let i = a; i > b; i += s) out.push(i);
  }
  return out;
}

export function planSlice(shape: readonly number[], items: readonly SliceItem[]): SlicePlan {
  const consuming = items.filter((i) => i.kind === 'index' || i.kind === 'range').length;
  const ellipses = items.filter((i) => i.kind === 'ellipsis').length;
  if (ellipses > 1) throw new SliceError('an index can only have a single ellipsis');
  if (consuming > shape.length)
    throw new SliceError(`too many indices: ${consuming} for an array of rank ${shape.length}`);
  const expanded: SliceItem[] = [];
  for (const item of items) {
    if (item.kind === 'ellipsis') {
      for (let k = 0; k < shape.length - consuming; k++)
        expanded.push({ kind: 'range', start: null, stop: null, step: null });
    } else expanded.push(item);
  }
  while (expanded.filter((i) => i.kind !== 'newaxis').length < shape.length)
    expanded.push({ kind: 'range', start: null, stop: null, step: null });
  const axes: AxisSelection[] = [];
  const newAxes: number[] = [];
  const outShape: number[] = [];
  let axis = 0;
  for (const item of expanded) {
    if (item.kind === 'newaxis') {
      newAxes.push(outShape.length);
      outShape.push(1);
      continue;
    }
    const n = shape[axis];
    if (item.kind === 'index') {
      const i = item.index < 0 ? item.index + n : item.index;
      if (i < 0 || i >= n) throw new SliceError(`index ${item.index} is out of bounds for axis ${axis} with size ${n}`);
      axes.push({ indices: [i], keep: false });
    } else if (item.kind === 'range') {
      const indices = rangeIndices(n, item.start, item.stop, item.step);
      axes.push({ indices, keep: true });
      outShape.push(indices.length);
    }
    axis++;
  }
  return { axes, newAxes, shape: outShape };
}

/** True when the selection is `start, start+1, ...` (a plain slice, no gather needed). */
export function isContiguous(indices: readonly number[]): boolean {
  for (let i = 1; i < indices.length; i++) if (indices[i] !== indices[i - 1] + 1) return false;
  return true;
}

/** Python's clamp of a slice bound into [lo, hi]. */
function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Python's `len(range(*slice(start, stop, step).indices(n)))`. */
export function sliceLength(n: number, start: number | null, stop: number | null, step: number): number {
  if (step === 0) return 0;
  let s: number;
  let e: number;
  if (step > 0) {
    s = start === null ? 0 : clamp(start < 0 ? start + n : start, 0, n);
    e = stop === null ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  s = start === null ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
  e = stop === null ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

const recordSchema = z.record(z.string(), z.unknown());

/** A plain object's fields (a record in a model config). */
function fieldsOf(v: unknown): Record<string, unknown> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const parsed = recordSchema.safeParse(v);
  return parsed.success ? parsed.data : null;
}

function recordedItem(v: unknown): SliceItem | null {
  const bound = (x: unknown): number | null => (typeof x === 'number' ? x : null);
  if (typeof v === 'number') return { kind: 'index', index: v };
  if (v === null) return { kind: 'newaxis' };
  if (v === 'Ellipsis' || v === '...') return { kind: 'ellipsis' };
  const o = fieldsOf(v);
  if (!o) return null;
  if (o.class_name === '__ellipsis__' || o.class_name === 'Ellipsis') return { kind: 'ellipsis' };
  // Keras 3 records a slice as {class_name: '__slice__', config: {...}}; tf.keras 2's slice_spec as the bare config.
  const c =
    o.class_name === '__slice__'
      ? fieldsOf(o.config)
      : o.class_name === undefined && 'start' in o && 'stop' in o && 'step' in o
        ? o
        : null;
  return c ? { kind: 'range', start: bound(c.start), stop: bound(c.stop), step: bound(c.step) } : null;
}

/**
 * The index a model config records for `x[key]` (Keras 3's GetItem argument, tf.keras 2's
 * SlicingOpLambda `slice_spec`: one item or a list of them), as slice items; null when an item
 * is not one Python's basic indexing has (a tensor used as an index).
 */
export function recordedSliceItems(raw: unknown): SliceItem[] | null {
  const items = (Array.isArray(raw) ? raw : [raw]).map(recordedItem);
  return items.every((i): i is SliceItem => i !== null) ? items : null;
}
