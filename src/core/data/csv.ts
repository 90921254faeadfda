/**
 * CSV: one sample per row. A non-numeric first row is a header. Empty cells and `nan` are
 * NaN (reported later as such, not silently zero). csv-parse does the reading (quotes,
 * byte-order mark, comments, ragged rows: src/core/data/csvRecords.ts); the delimiter is the
 * one of `,` `;` tab that splits the first row most, so a `;`-separated file with decimal
 * commas still reads right. A whole text is read here; a file read by rows
 * (src/worker/csvFile.ts) goes through the same delimiter choice, records and row checks.
 */
import type { NdArray } from '../runtime/array';
import { CsvRecords, csvStart } from './csvRecords';
import { DataError } from './errors';

const DELIMITERS = [',', ';', '\t'];

/**
 * Bytes a parse holds per byte of CSV text: measured on short numbers (`1,`), csv-parse's rows
 * take about 10 bytes of heap per byte of text, plus 4 for the float64 values and 1 for the text.
 */
export const CSV_PARSE_FACTOR = 16;

/** A cell's number, or undefined when it holds none. */
export function parseCell(cell: string): number | undefined {
  // Most cells are plain numbers: Number reads them (and `Infinity`) as the rules below would.
  if (cell !== '') {
    const n = Number(cell);
    if (!Number.isNaN(n)) return n;
  }
  if (cell === '' || /^[+-]?nan$/i.test(cell)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  if (/^true$/i.test(cell)) return 1;
  if (/^false$/i.test(cell)) return 0;
  return undefined;
}

/**
 * The delimiter, from the first line that is not blank or a comment (lines split at `\n` or
 * `\r\n`), fed a piece of text at a time so a file need not be held to find it.
 */
export class DelimiterSearch {
  private found: string | null = null;
  /** The line read so far: its first character, whether it holds more than white space, and its delimiters. */
  private first = '';
  private blank = true;
  private counts = DELIMITERS.map(() => 0);

  get delimiter(): string | null {
    return this.found;
  }

  /** Reads more text; true once the delimiter is known. */
  push(text: string): boolean {
    for (let i = 0; i < text.length && this.found === null; i++) {
      const c = text[i];
      if (c === '\n') {
        this.endLine();
        continue;
      }
      if (this.first === '') this.first = c;
      // `\s` is what String.prototype.trim removes; a `\r` before `\n` is white space too.
      if (this.blank && !/\s/.test(c)) this.blank = false;
      const d = DELIMITERS.indexOf(c);
      if (d >= 0) this.counts[d]++;
    }
    return this.found !== null;
  }

  /** The end of the text: its last line, and `,` when no line has a row. */
  end(): string {
    if (this.found === null) this.endLine();
    return this.found ?? DELIMITERS[0];
  }

  private endLine(): void {
    if (!this.blank && this.first !== '#') {
      // The most splits; on a tie, the first of DELIMITERS.
      const most = Math.max(...this.counts);
      this.found = DELIMITERS[this.counts.indexOf(most)];
      return;
    }
    this.first = '';
    this.blank = true;
    this.counts = DELIMITERS.map(() => 0);
  }
}

/**
 * Whether the first row names the columns: `auto` when it holds a non-number (a file the user
 * chose), `first-row` and `none` as code that reads the file with pandas says (`header=0`,
 * pandas' default, or `header=None`), so the rows are the ones pandas reads.
 */
export type CsvHeader = 'auto' | 'first-row' | 'none';

/**
 * What is checked of every record, in file order: which is the header, that each cell of a row
 * is a number (the first that is not is refused, but only once the whole file has read as CSV,
 * since a ragged row anywhere is said first), and what the rows are: their count, width and
 * which columns hold integers only.
 */
export class CsvRowCheck {
  header: string[] | null = null;
  rows = 0;
  width = 0;
  /** Per column, whether every value in it is an integer (the array's kind). */
  intColumns: boolean[] = [];
  private records = 0;
  private bad: DataError | null = null;

  constructor(
    private readonly headerRow: CsvHeader,
    private readonly location: string,
  ) {}

  /** The record's values when it is a data row; null for the header (and every record once a row was refused). */
  add(cells: string[], line: number): number[] | null {
    const first = this.records++ === 0;
    if (this.bad) return null;
    if (first && this.headerRow === 'first-row') {
      this.header = cells;
      return null;
    }
    const values: number[] = new Array<number>(cells.length);
    for (let j = 0; j < cells.length; j++) {
      const v = parseCell(cells[j]);
      if (v === undefined) {
        if (first && this.headerRow === 'auto') {
          this.header = cells;
          return null;
        }
        // The cell's text is the user's data: say where it is, not what it holds.
        this.bad = new DataError(`line ${line}, column ${j + 1} is not a number`, 'data-dtype', this.location);
        return null;
      }
      values[j] = v;
    }
    if (this.rows++ === 0) {
      this.width = values.length;
      this.intColumns = values.map(() => true);
    }
    for (let j = 0; j < values.length; j++)
      if (this.intColumns[j] && !Number.isInteger(values[j])) this.intColumns[j] = false;
    return values;
  }

  /** Refuses an empty file, a refused row, or a header with no rows under it. */
  finish(): void {
    if (this.records === 0) throw new DataError('the CSV file is empty', 'data-format', this.location);
    if (this.bad) throw this.bad;
    if (this.rows === 0)
      throw new DataError('the CSV file has a header but no data rows', 'data-format', this.location);
  }

  get kind(): 'int' | 'float' {
    return this.intColumns.every(Boolean) ? 'int' : 'float';
  }
}

export function parseCsv(
  text: string,
  location: string,
  headerRow: CsvHeader = 'auto',
): { array: NdArray; header: string[] | null } {
  const search = new DelimiterSearch();
  search.push(text);
  const bytes = new TextEncoder().encode(text);
  const check = new CsvRowCheck(headerRow, location);
  const values: number[] = [];
  const reader = new CsvRecords({ delimiter: search.end() }, location, (cells, line) => {
    const row = check.add(cells, line);
    if (row) for (const v of row) values.push(v);
  });
  reader.write(bytes.subarray(csvStart(bytes, 1)));
  reader.end();
  check.finish();
  return {
    array: {
      shape: [check.rows, check.width],
      kind: check.kind,
      data: Float64Array.from(values),
      sourceDtype: 'csv',
    },
    header: check.header,
  };
}
