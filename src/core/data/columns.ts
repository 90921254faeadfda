/**
 * The columns code reads out of a CSV with pandas (`usecols=`, `df[['a', 'b']]`, `df['label']`,
 * `df.drop(columns=...)`, `df.iloc[:, :-1]`, `values[:, -1]`): the steps are kept as the code
 * writes them and resolved here against the file's own header when it is read, by the worker
 * (whole file) and by the header check (first rows), so both see the same columns pandas does.
 */
import type { ColumnSelection, ColumnStep } from '../protocol/runtimeTasks';
import type { NdArray } from '../runtime/array';
import { rangeIndices } from '../runtime/slicing';
import { DataError } from './errors';

type Label = string | number;

/** The columns a selection leaves, as positions in the file, and whether they are one Series. */
export interface ResolvedColumns {
  indices: number[];
  series: boolean;
}

/**
 * pandas' labels for a file's columns: its header row's names, where an empty name becomes
 * `Unnamed: i` and a repeated one `name.1`, `name.2`, … (as `read_csv` renames them); without
 * a header (`header=None`) the columns are numbered from 0.
 */
export function columnLabels(header: readonly string[] | null, width: number): Label[] {
  if (!header) return Array.from({ length: width }, (_, i) => i);
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const name = raw === '' ? `Unnamed: ${i}` : raw;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}.${count}`;
  });
}

const quoted = (l: Label) => (typeof l === 'string' ? `'${l}'` : String(l));

function listed(labels: readonly Label[]): string {
  const shown = labels.slice(0, 8).map(quoted).join(', ');
  return labels.length > 8 ? `${shown}, … (${labels.length} in all)` : shown;
}

/** Applies the selection to a file's column labels; a label or position the file lacks is one sentence with the code's line. */
export function resolveColumns(
  selection: ColumnSelection,
  labels: readonly Label[],
  location: string,
): ResolvedColumns {
  const at = `, which line ${selection.line} reads`;
  const missing = (label: Label, among: readonly number[]): DataError => {
    const has = among.map((i) => labels[i]);
    const why = selection.header
      ? `is not in the file's header (its columns: ${listed(has)})`
      : `is not a column: the file is read with header=None, so its columns are numbered 0 to ${labels.length - 1}${has.length < labels.length ? ` (left: ${listed(has)})` : ''}`;
    return new DataError(`column ${quoted(label)}${at}, ${why}`, 'data-missing', location);
  };
  const find = (label: Label, among: readonly number[]): number => {
    const hit = among.find((i) => labels[i] === label);
    if (hit === undefined) throw missing(label, among);
    return hit;
  };
  let current = labels.map((_, i) => i);
  for (const step of selection.steps) current = applyStep(step, current, labels, find, at, location);
  if (current.length === 0)
    throw new DataError(`no columns are left of the file's ${labels.length}${at}`, 'data-shape', location);
  if (selection.series && current.length !== 1)
    throw new DataError(`${current.length} columns are left where one is read${at}`, 'data-shape', location);
  return { indices: current, series: selection.series };
}

function applyStep(
  step: ColumnStep,
  current: number[],
  labels: readonly Label[],
  find: (label: Label, among: readonly number[]) => number,
  at: string,
  location: string,
): number[] {
  const outOfRange = (p: number, n: number) =>
    new DataError(`column position ${p}${at}, is out of range: there are ${n} columns`, 'data-missing', location);
  switch (step.op) {
    case 'usecols': {
      // pandas keeps usecols' columns in the file's order, whatever order the list names them in.
      const keep = new Set<number>(
        step.columns.map((c: Label) => {
          if (typeof c === 'string') return find(c, current);
          if (c >= current.length) throw outOfRange(c, current.length);
          return current[c];
        }),
      );
      return current.filter((i) => keep.has(i));
    }
    case 'take':
      return step.labels.map((l) => find(l, current));
    case 'drop': {
      const dropped = new Set(step.labels.map((l) => find(l, current)));
      return current.filter((i) => !dropped.has(i));
    }
    case 'positions':
      return step.positions.map((p) => {
        const k = p < 0 ? p + current.length : p;
        if (k < 0 || k >= current.length) throw outOfRange(p, current.length);
        return current[k];
      });
    case 'range':
      if (step.step === 0) throw new DataError(`a column slice's step is zero${at}`, 'data-shape', location);
      return rangeIndices(current.length, step.start, step.stop, step.step).map((k) => current[k]);
  }
}

/** The chosen columns of a table of rows (shape [rows, width]): [rows, k], or [rows] for a Series. */
export function selectColumns(table: NdArray, chosen: ResolvedColumns): NdArray {
  const [rows, width] = table.shape;
  const k = chosen.indices.length;
  const data = new Float64Array(rows * k);
  let allInt = true;
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < k; j++) {
      const v = table.data[r * width + chosen.indices[j]];
      if (!Number.isInteger(v)) allInt = false;
      data[r * k + j] = v;
    }
  return {
    shape: chosen.series ? [rows] : [rows, k],
    kind: allInt ? 'int' : 'float',
    data,
    sourceDtype: table.sourceDtype,
  };
}

/** The columns `selection` picks out of a CSV read with the header reading it asks for (`parseCsv(text, where, header)`). */
export function pickColumns(
  table: { array: NdArray; header: string[] | null },
  selection: ColumnSelection,
  location: string,
): NdArray {
  const labels = columnLabels(table.header, table.array.shape[1]);
  return selectColumns(table.array, resolveColumns(selection, labels, location));
}

/** How parseCsv must read the first row for a selection: as pandas' column names, or as data (`header=None`). */
export const headerReading = (selection: ColumnSelection) => (selection.header ? 'first-row' : 'none');

const POSITION_WORDS: Record<string, string> = { '-1': 'the last column', '0': 'the first column' };

function describeStep(step: ColumnStep): string {
  switch (step.op) {
    case 'usecols':
      return `${step.columns.length === 1 ? 'column' : 'columns'} ${step.columns.join(', ')}`;
    case 'take':
      return `${step.labels.length === 1 ? 'column' : 'columns'} ${step.labels.join(', ')}`;
    case 'drop':
      return `every column but ${step.labels.join(', ')}`;
    case 'positions':
      return step.positions.length === 1 && POSITION_WORDS[String(step.positions[0])]
        ? POSITION_WORDS[String(step.positions[0])]
        : `the columns at positions ${step.positions.join(', ')}`;
    case 'range': {
      const { start, stop, step: by } = step;
      if (by === null || by === 1) {
        if (start === null && stop === -1) return 'every column but the last';
        if (start === 1 && stop === null) return 'every column but the first';
        if (start === null && stop !== null && stop > 0) return `the first ${stop} columns`;
        if (start !== null && start >= 0 && stop !== null && stop > start)
          return `the columns at positions ${start} to ${stop - 1}`;
      }
      return `the columns [${start ?? ''}:${stop ?? ''}${by !== null ? `:${by}` : ''}]`;
    }
  }
}

/** In words, for the offer: "columns a, b", "every column but the last", "column label". */
export function describeColumns(selection: ColumnSelection): string {
  const named = selection.steps.at(-1);
  if (!named) return 'every column';
  // Names picked last say it all; other steps read in order.
  if (named.op === 'take' || named.op === 'usecols') return describeStep(named);
  return selection.steps.map(describeStep).join(', then ');
}
