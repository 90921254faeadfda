/**
 * Checks chosen data files against the model from their first bytes only, before anything runs:
 * a `.npy` header says its shape and dtype, a CSV's first rows its width. A file of any size is
 * checked in the same few kilobytes; what only the values can show (token ids out of range,
 * NaN) is left to the run, which reads them anyway.
 */
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { formatShape } from '../format';
import type { ExpectedInput } from './expected';
import { DataError } from './errors';
import { checkNpyLength, readNpyHeader } from './npy';

/** What a file's first bytes say: its shape (null axes unknown: a CSV's rows) and element type. */
export interface DataHeader {
  shape: (number | null)[];
  dtype: string;
}

/** Bytes to read from the start of a file for its header: a .npy header is at most 64 KiB. */
export const HEADER_BYTES = 12 + 65_536;

/**
 * The header of a `.npy` or `.csv` file from its first bytes and its size; null for the kinds
 * whose shape only a full read gives (.npz members, JSON). A file that is not what its name says
 * is refused with one sentence naming it.
 */
export function readDataHeader(file: string, prefix: Uint8Array, size: number): DataHeader | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.npy') {
    const h = readNpyHeader(prefix, file);
    if (!h) throw new DataError('corrupt .npy file: its header is cut short', 'data-corrupt', file);
    checkNpyLength(h, size, file);
    return { shape: h.shape, dtype: npyDtype(h.descr) };
  }
  if (ext === '.csv') return csvHeader(prefix, size, file);
  return null;
}

function npyDtype(descr: string): string {
  const kind = descr.replace(/^[<>|=]/, '');
  const names: Record<string, string> = { f4: 'float32', f8: 'float64', f2: 'float16', i4: 'int32', i8: 'int64' };
  return (
    names[kind] ?? (kind.startsWith('b') ? 'bool' : kind.startsWith('u') ? `uint${Number(kind.slice(1)) * 8}` : descr)
  );
}

/** A CSV's width from its first complete rows; a first row with a non-number is a header. */
function csvHeader(prefix: Uint8Array, size: number, file: string): DataHeader {
  let text = new TextDecoder('utf-8').decode(prefix);
  if (prefix.length < size) text = text.slice(0, Math.max(0, text.lastIndexOf('\n'))); // the last row may be cut
  const rows = parse(text, { bom: true, comment: '#', relax_column_count: true, skip_empty_lines: true }) as string[][];
  const numeric = (row: string[]) => row.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  const data = rows.filter(numeric);
  if (data.length === 0) throw new DataError('no rows of numbers in its first lines', 'data-corrupt', file);
  const widths = new Set(data.map((r) => r.length));
  if (widths.size > 1)
    throw new DataError(`rows of different lengths (${[...widths].slice(0, 3).join(', ')} values)`, 'data-shape', file);
  return { shape: [null, data[0].length], dtype: 'float64' };
}

/**
 * What is wrong with x (and y) for the model's only input, one sentence each, naming the
 * file; empty when the headers fit (or when the model has several inputs, which the run checks
 * file by file). A flat row per sample fits when its size is the input's (CSV rows are reshaped).
 */
export function headerProblems(
  inputs: readonly ExpectedInput[],
  x: { file: string; header: DataHeader },
  y?: { file: string; header: DataHeader },
): string[] {
  const problems: string[] = [];
  const input = inputs.length === 1 ? inputs[0] : null;
  const expected = input?.batchShape;
  const shape = x.header.shape;
  if (input && expected) {
    const perSample = expected.slice(1);
    const sameRank = shape.length === expected.length;
    const bad = sameRank
      ? perSample.findIndex((d, i) => d !== null && shape[i + 1] !== null && d !== shape[i + 1])
      : -1;
    const size = (dims: (number | null)[]) => (dims.every((d) => d !== null) ? dims.reduce((a, b) => a * b, 1) : null);
    const flatFits = !sameRank && size(perSample) !== null && size(shape.slice(1)) === size(perSample);
    if (bad >= 0)
      problems.push(
        `${x.file} holds ${formatShape(shape)}, but the model's input '${input.name}' takes ${formatShape(expected)}: axis ${bad + 1} is ${shape[bad + 1]}, not ${perSample[bad]}`,
      );
    else if (!sameRank && !flatFits)
      problems.push(
        `${x.file} holds ${formatShape(shape)} (${shape.length} axes), but the model's input '${input.name}' takes ${formatShape(expected)} (${expected.length} axes)`,
      );
  }
  const xs = shape[0];
  const ys = y?.header.shape[0];
  if (y && typeof xs === 'number' && typeof ys === 'number' && xs !== ys)
    problems.push(`${y.file} holds ${ys} samples, ${x.file} ${xs}: labels and inputs must pair up one to one`);
  return problems;
}
