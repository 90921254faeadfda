/**
 * The sizes of a split's parts along an axis of `length`, from the two ways Python code gives
 * them: `tf.split(x, num_or_size_splits)` names the parts' sizes (one of them may be -1: what
 * the others leave), `keras.ops.split` / `numpy.split(x, indices_or_sections)` the indices to
 * split at. A count of equal parts is passed on as it is (TensorFlow checks that it divides).
 * Also how many parts a translated split returns, for the readers of its result.
 */
import type { LambdaExpr } from '../ir';

export function sizesFromSizes(sizes: number[], length: number): number[] {
  const open = sizes.filter((s) => s === -1).length;
  if (open > 1) throw new Error(`split sizes ${JSON.stringify(sizes)} hold more than one -1`);
  const given = sizes.reduce((sum, s) => (s === -1 ? sum : sum + s), 0);
  const resolved = sizes.map((s) => (s === -1 ? length - given : s));
  if (resolved.some((s) => s < 0) || resolved.reduce((a, b) => a + b, 0) !== length)
    throw new Error(`split sizes ${JSON.stringify(sizes)} do not add up to the axis' length ${length}`);
  return resolved;
}

/**
 * numpy's rule: indices past the end are clipped, so parts may be empty. Decreasing indices
 * make overlapping parts in numpy, which no list of sizes can give: refused.
 */
export function sizesFromIndices(indices: number[], length: number): number[] {
  const bounds = [0, ...indices.map((i) => Math.min(Math.max(i < 0 ? i + length : i, 0), length)), length];
  const sizes = bounds.slice(1).map((end, k) => end - bounds[k]);
  if (sizes.some((s) => s < 0)) throw new Error(`split indices ${JSON.stringify(indices)} must not decrease`);
  return sizes;
}

/** How many tensors a split or unstack expression returns, when the source fixes it. */
export function splitPartCount(e: Extract<LambdaExpr, { op: 'call' }>): number | null {
  const parts = e.args[1];
  const value = parts?.op === 'const' ? parts.value : (e.kwargs.num_or_size_splits ?? e.kwargs.indices_or_sections);
  if (typeof value === 'number') return value;
  if (!Array.isArray(value) || e.fn === 'unstack') return null;
  return e.fn === 'split_at' ? value.length + 1 : value.length;
}
