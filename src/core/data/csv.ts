/**
 * CSV: one sample per row. A non-numeric first row is a header. Empty cells and `nan` are
 * NaN (reported later as such, not silently zero). csv-parse does the reading (quotes,
 * byte-order mark, comments, ragged rows); the delimiter is the one of `,` `;` tab that splits
 * the first row most, so a `;`-separated file with decimal commas still reads right.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { NdArray } from '../runtime/array';
import { DataError } from './errors';

const DELIMITERS = [',', ';', '\t'];

function parseCell(cell: string): number | undefined {
  if (cell === '' || /^[+-]?nan$/i.test(cell)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  if (/^true$/i.test(cell)) return 1;
  if (/^false$/i.test(cell)) return 0;
  const n = Number(cell);
  return Number.isNaN(n) ? undefined : n;
}

function delimiterOf(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim().length > 0 && !l.startsWith('#')) ?? '';
  return DELIMITERS.map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
}

/** Rows of text cells, with the file line each row started on. */
function records(text: string, location: string): { cells: string[]; line: number }[] {
  try {
    const lines: number[] = [];
    const rows = parse(text, {
      delimiter: delimiterOf(text),
      bom: true,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      trim: true,
      on_record: (record, context) => {
        lines.push(context.lines);
        return record;
      },
    });
    return rows.map((cells, i) => ({ cells, line: lines[i] }));
  } catch (error) {
    if (error instanceof CsvError) {
      const where = typeof error.lines === 'number' ? `line ${error.lines}: ` : '';
      if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
        throw new DataError(
          `${where}a row has a different number of columns than the first row`,
          'data-shape',
          location,
        );
      throw new DataError(`${where}the file is not valid CSV (${error.code})`, 'data-format', location);
    }
    throw error;
  }
}

/**
 * Whether the first row names the columns: `auto` when it holds a non-number (a file the user
 * chose), `first-row` and `none` as code that reads the file with pandas says (`header=0`,
 * pandas' default, or `header=None`), so the rows are the ones pandas reads.
 */
export type CsvHeader = 'auto' | 'first-row' | 'none';

export function parseCsv(
  text: string,
  location: string,
  headerRow: CsvHeader = 'auto',
): { array: NdArray; header: string[] | null } {
  const rows = records(text, location);
  if (rows.length === 0) throw new DataError('the CSV file is empty', 'data-format', location);
  let header: string[] | null = null;
  const values: number[][] = [];
  for (const [i, { cells, line }] of rows.entries()) {
    if (i === 0 && headerRow === 'first-row') {
      header = cells;
      continue;
    }
    const parsed = cells.map(parseCell);
    const bad = parsed.findIndex((v) => v === undefined);
    if (bad >= 0) {
      if (i === 0 && headerRow === 'auto') {
        header = cells;
        continue;
      }
      // The cell's text is the user's data: say where it is, not what it holds.
      throw new DataError(`line ${line}, column ${bad + 1} is not a number`, 'data-dtype', location);
    }
    values.push(parsed.map((v) => v ?? NaN));
  }
  if (values.length === 0) throw new DataError('the CSV file has a header but no data rows', 'data-format', location);
  const width = values[0].length;
  const data = new Float64Array(values.length * width);
  let allInt = true;
  values.forEach((r, i) =>
    r.forEach((v, j) => {
      if (!Number.isInteger(v)) allInt = false;
      data[i * width + j] = v;
    }),
  );
  return { array: { shape: [values.length, width], kind: allInt ? 'int' : 'float', data, sourceDtype: 'csv' }, header };
}
