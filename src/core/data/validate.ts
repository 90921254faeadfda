/**
 * Checks data against the model before anything runs, each failure one located message:
 * shapes against the model's inputs and output, token ids for Embedding, NaN and infinities.
 */
import { type NdArray, countNonFinite, sizeOf } from '../runtime/array';
import { formatShape } from '../format';
import { DataError } from './errors';

export type Dim = number | null;

export interface InputExpectation {
  /** Model input name. */
  name: string;
  /** Per-sample shape (no batch axis); null where the model leaves it open. */
  shape: Dim[];
  /** Set when the input feeds an Embedding: values must be token ids in [0, inputDim). */
  embedding: { layer: string; inputDim: number } | null;
}

/** Matches an array to a model input; reshapes flat rows (CSV) when the sizes agree, saying so. */
export function fitToInput<A extends { shape: number[] }>(
  arr: A,
  exp: InputExpectation,
  location: string,
): { array: A; note: string | null } {
  const expected = [null, ...exp.shape];
  if (arr.shape.length === expected.length) {
    const bad = exp.shape.findIndex((d, i) => d !== null && d !== arr.shape[i + 1]);
    if (bad < 0) return { array: arr, note: null };
    throw new DataError(
      `data has shape ${formatShape(arr.shape)} but the model's input '${exp.name}' expects ${formatShape(expected)}: axis ${bad + 1} is ${arr.shape[bad + 1]}, expected ${exp.shape[bad]}`,
      'data-shape',
      location,
    );
  }
  const known = exp.shape.every((d) => d !== null);
  const perSample = sizeOf(arr.shape.slice(1));
  if (arr.shape.length >= 1 && known && perSample === sizeOf(exp.shape as number[])) {
    return {
      array: { ...arr, shape: [arr.shape[0], ...(exp.shape as number[])] },
      note: `${location}: reshaped ${formatShape(arr.shape)} to ${formatShape([arr.shape[0], ...exp.shape])} to match input '${exp.name}'`,
    };
  }
  if (arr.shape.length === expected.length - 1 && exp.shape[exp.shape.length - 1] === 1) {
    return {
      array: { ...arr, shape: [...arr.shape, 1] },
      note: `${location}: added a trailing axis of size 1 to match input '${exp.name}'`,
    };
  }
  throw new DataError(
    `data has shape ${formatShape(arr.shape)} (rank ${arr.shape.length}) but the model's input '${exp.name}' expects ${formatShape(expected)} (rank ${expected.length})`,
    'data-shape',
    location,
  );
}

/** `rowOffset`: the first row's index in the whole array, when `shape` is that of some of its rows. */
function position(shape: number[], flat: number, rowOffset = 0): string {
  const out: number[] = [];
  let rem = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = rem % shape[i];
    rem = Math.floor(rem / shape[i]);
  }
  out[0] += rowOffset;
  return `[${out.join(', ')}]`;
}

/** Embedding inputs: integral, in range, no NaN (Keras would fail inside the gather). */
export function checkTokenIds(arr: NdArray, exp: InputExpectation, location: string, rowOffset = 0): void {
  if (!exp.embedding) return;
  const { layer, inputDim } = exp.embedding;
  if (arr.kind === 'bool')
    throw new DataError(`Embedding '${layer}' needs integer token ids, the data is boolean`, 'data-dtype', location);
  for (let i = 0; i < arr.data.length; i++) {
    const v = arr.data[i];
    if (Number.isNaN(v)) {
      throw new DataError(
        `Embedding '${layer}' needs integer token ids; the data holds NaN at ${position(arr.shape, i, rowOffset)}`,
        'data-nan',
        location,
      );
    }
    if (!Number.isInteger(v)) {
      throw new DataError(
        `Embedding '${layer}' needs integer token ids, but the data (${arr.sourceDtype}) holds ${v} at ${position(arr.shape, i, rowOffset)}; pass token indices, not features`,
        'data-dtype',
        location,
      );
    }
    if (v < 0 || v >= inputDim) {
      throw new DataError(
        `token id ${v} at ${position(arr.shape, i, rowOffset)} is outside Embedding '${layer}''s vocabulary [0, ${inputDim}) (Keras: indices[...] = ${v} is not in [0, ${inputDim}))`,
        'data-range',
        location,
      );
    }
  }
}

export function checkSampleCount(
  arr: { shape: readonly number[] },
  samples: number,
  location: string,
  role: string,
): void {
  if (arr.shape[0] !== samples) {
    throw new DataError(`${role} has ${arr.shape[0]} samples, the inputs have ${samples}`, 'data-shape', location);
  }
}

/**
 * NaN and ±Infinity in data: findings by default (Keras cannot mask them away: 0 · NaN = NaN and
 * 0 · ∞ = NaN), refused on request.
 */
export function nonFiniteFinding(
  arr: NdArray,
  location: string,
  role: string,
  policy: 'report' | 'error',
): { nan: number; inf: number; messages: string[] } {
  return nonFiniteMessages(countNonFinite(arr), location, role, policy);
}

/** The finding for counts gathered over an array (or over its rows, read in parts). */
export function nonFiniteMessages(
  counts: ReturnType<typeof countNonFinite>,
  location: string,
  role: string,
  policy: 'report' | 'error',
): { nan: number; inf: number; messages: string[] } {
  const { nan, inf, firstNaN, firstInf } = counts;
  const messages: string[] = [];
  if (nan > 0) {
    messages.push(
      `${role} holds ${nan} NaN value${nan === 1 ? '' : 's'} (first at [${(firstNaN as number[]).join(', ')}]); masking multiplies the loss by 0 and 0 · NaN = NaN, so NaN padding cannot be masked away`,
    );
  }
  if (inf > 0) {
    messages.push(
      `${role} holds ${inf} infinite value${inf === 1 ? '' : 's'} (first at [${(firstInf as number[]).join(', ')}]); the loss becomes infinite or NaN wherever one reaches it, and masking cannot remove it (0 · ∞ = NaN)`,
    );
  }
  if (policy === 'error' && messages.length > 0) throw new DataError(messages[0], 'data-nan', location);
  return { nan, inf, messages: messages.map((m) => `${location}: ${m}`) };
}
