/**
 * A CSV file read with pandas (or np.loadtxt), followed through the column choices the
 * runtime can repeat on the file: `usecols=`, `df[['a', 'b']]`, `df['label']`, `df.loc[:, ...]`,
 * `df.iloc[:, :-1]`, `df.drop(columns=[...])` / `df.drop('label', axis=1)`, and `[:, cols]` on
 * the array `.values` gives. Anything else (a row filter, a computed column, a reshape) leaves
 * the value unremembered: the file is then not offered, rather than offered with other values.
 */
import type { ColumnSelection, ColumnStep } from '../protocol/runtimeTasks';
import type { CallArgs, SubscriptItem } from '../objects/arguments';
import type { LoadedFile, Value } from '../objects/values';
import { asInt } from '../objects/values';

/** More steps than code writes to pick columns: a longer chain is not followed. */
const MAX_STEPS = 8;

/** `pd.read_csv(..., header=..., usecols=[...])`: the table's first selection; null when `usecols` is not a plain list. */
export function readCsvSelection(header: boolean, usecols: Value | undefined, line: number): ColumnSelection | null {
  if (usecols === undefined) return { header, steps: [], series: false, line };
  if (usecols.t !== 'seq' || usecols.items.length === 0) return null;
  const names = usecols.items.flatMap((v) => (v.t === 'str' ? [v.v] : []));
  const positions = usecols.items.flatMap((v) => (v.t === 'num' && v.int && v.v >= 0 ? [v.v] : []));
  // pandas refuses a list that mixes names and positions.
  const n = usecols.items.length;
  const columns = names.length === n ? names : positions.length === n ? positions : null;
  return columns ? { header, steps: [{ op: 'usecols', columns }], series: false, line } : null;
}

function withStep(
  file: LoadedFile,
  step: ColumnStep,
  series: boolean,
  line: number,
  table: LoadedFile['table'],
): LoadedFile | null {
  const selection = file.columns;
  if (!selection || selection.steps.length >= MAX_STEPS) return null;
  const columns = { ...selection, steps: [...selection.steps, step], series, line };
  const next: LoadedFile = { ...file, columns };
  if (table) next.table = table;
  else delete next.table;
  return next;
}

/** A column label as pandas code writes one: a header name, or a number under `header=None`. */
function label(v: Value): string | number | null {
  if (v.t === 'str') return v.v;
  if (v.t === 'num' && v.int && v.v >= 0) return v.v;
  return null;
}

function labels(v: Value): (string | number)[] | null {
  if (v.t !== 'seq' || v.items.length === 0) return null;
  const out = v.items.flatMap((item) => {
    const l = label(item);
    return l === null ? [] : [l];
  });
  return out.length === v.items.length ? out : null;
}

/** `df['a']` (a Series) or `df[['a', 'b']]` (a table), also as `df.loc[:, ...]`. */
function byLabel(file: LoadedFile, key: Value, line: number): LoadedFile | null {
  const one = label(key);
  if (one !== null) return withStep(file, { op: 'take', labels: [one] }, true, line, 'series');
  const many = labels(key);
  return many ? withStep(file, { op: 'take', labels: many }, false, line, 'frame') : null;
}

/** `[:, n]`, `[:, a:b:c]`, `[:, [i, j]]`: positions, in rows' full range only. */
function byPosition(
  file: LoadedFile,
  items: SubscriptItem[],
  line: number,
  table: 'frame' | undefined,
): LoadedFile | null {
  const [rows, cols] = items;
  if (items.length !== 2 || !allRows(rows)) return null;
  if (cols.kind === 'index') {
    const n = cols.value.t === 'num' && cols.value.int ? cols.value.v : null;
    if (n !== null)
      return withStep(file, { op: 'positions', positions: [n] }, true, line, table ? 'series' : undefined);
    if (cols.value.t !== 'seq' || cols.value.items.length === 0) return null;
    const positions = cols.value.items.flatMap((v) => (v.t === 'num' && v.int ? [v.v] : []));
    if (positions.length !== cols.value.items.length) return null;
    return withStep(file, { op: 'positions', positions }, false, line, table);
  }
  if (cols.kind !== 'slice') return null;
  const part = (v: Value): number | null | undefined => (v.t === 'none' ? null : (asInt(v) ?? undefined));
  const [start, stop, step] = [part(cols.start), part(cols.stop), part(cols.step)];
  if (start === undefined || stop === undefined || step === undefined) return null;
  return withStep(file, { op: 'range', start, stop, step }, false, line, table);
}

function allRows(item: SubscriptItem | undefined): boolean {
  return item?.kind === 'slice' && item.start.t === 'none' && item.stop.t === 'none' && item.step.t === 'none';
}

/** Whether the file is a comma-separated table whose columns can be picked (not an .npy/.npz array). */
function isTable(file: LoadedFile): boolean {
  return /\.csv$/i.test(file.path) && file.key === undefined;
}

/** A subscript of a loaded CSV's table, indexer or array; null when it is not a column choice MaskLens follows. */
export function tableSubscript(file: LoadedFile, items: SubscriptItem[], line: number): LoadedFile | null {
  if (!isTable(file)) return null;
  switch (file.table) {
    case 'frame':
      return items.length === 1 && items[0].kind === 'index' ? byLabel(file, items[0].value, line) : null;
    case 'loc':
      return items.length === 2 && allRows(items[0]) && items[1].kind === 'index'
        ? byLabel(file, items[1].value, line)
        : null;
    case 'iloc':
      return byPosition(file, items, line, 'frame');
    case 'series':
      return null;
    default: {
      // The array of a table (`.values`, np.loadtxt): NumPy slicing of its columns. np.loadtxt reads no header row.
      const columns = file.columns ?? { header: false, steps: [], series: false, line };
      return columns.series ? null : byPosition({ ...file, columns }, items, line, undefined);
    }
  }
}

/** `.values`, `.to_numpy`, `.astype`, `.iloc`, `.loc` of a loaded file; null for any other attribute. */
export function tableAttribute(file: LoadedFile, name: string): LoadedFile | null {
  const indexer = file.table === 'iloc' || file.table === 'loc';
  switch (name) {
    case 'astype':
      return indexer ? null : file;
    case 'values':
    case 'to_numpy': {
      if (indexer) return null;
      const values: LoadedFile = { ...file };
      delete values.table;
      return values;
    }
    case 'iloc':
    case 'loc':
      return file.table === 'frame' && isTable(file) ? { ...file, table: name } : null;
    default:
      return null;
  }
}

/** `df.drop(columns=[...])`, `df.drop('label', axis=1)`; anything else (rows, `inplace=True`) is not followed. */
export function tableDrop(file: LoadedFile, args: CallArgs, line: number): LoadedFile | null {
  if (file.table !== 'frame' || !isTable(file)) return null;
  if ([...args.kw.keys()].some((k) => !['columns', 'labels', 'axis'].includes(k)) || args.pos.length > 2) return null;
  const axis = args.kw.get('axis') ?? args.pos[1];
  const byAxis =
    axis !== undefined && ((axis.t === 'num' && axis.v === 1) || (axis.t === 'str' && axis.v === 'columns'));
  const given = args.kw.get('columns') ?? (byAxis ? (args.kw.get('labels') ?? args.pos[0]) : undefined);
  if (!given || (args.kw.has('columns') && (args.pos.length > 0 || axis !== undefined))) return null;
  const one = label(given);
  const dropped = one !== null ? [one] : labels(given);
  return dropped ? withStep(file, { op: 'drop', labels: dropped }, false, line, 'frame') : null;
}
