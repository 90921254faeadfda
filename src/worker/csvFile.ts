/**
 * A CSV file read by rows: one pass over the file in blocks checks every row as the whole-text
 * read does (src/core/data/csv.ts: same delimiter, records, errors and lines) and keeps where
 * each data row starts; each request then reads its runs of consecutive rows by byte range, in
 * blocks, and parses them with the same reader and cell rules. What the task holds is the rows'
 * offsets (8 bytes a row) and a block of text, however large the file; the columns code picks
 * with pandas are taken from each row as it is parsed.
 */
import { CsvRecords, type CsvReading, csvStart } from '../core/data/csvRecords';
import { CSV_PARSE_FACTOR, type CsvHeader, CsvRowCheck, DelimiterSearch, parseCell } from '../core/data/csv';
import type { ResolvedColumns } from '../core/data/columns';
import { DataError } from '../core/data/errors';
import { consecutiveRuns, type FileRows, type RowSource } from '../core/data/rowSource';
import type { FileAccess } from '../core/protocol/runtimeTasks';
import type { ArrayKind, NdArray } from '../core/runtime/array';
import { capSetting, formatBytes, type MemoryBudget } from '../core/runtime/memory';
import { openForReading, type OpenFile, readRange } from './fileAccess';

/** Bytes of text read from the file at once. */
export const CSV_BLOCK = 1024 * 1024;

export interface CsvFileRows extends FileRows {
  /** The first row's cells when it names the columns. */
  readonly header: string[] | null;
  /** Rows `indices`, only the file's columns `columns` (positions, in that order): shape [rows, columns]. */
  takeColumns(indices: readonly number[], columns: readonly number[]): NdArray;
  /** Whether every value of the file's columns `columns` is an integer (the kind of the array they make). */
  kindOf(columns: readonly number[]): ArrayKind;
}

export interface CsvRowsOptions {
  header: CsvHeader;
  budget: MemoryBudget;
  /** Throws once the task is asked to stop: called between blocks of the first pass. */
  checkpoint?: () => void;
  /** Bytes read at once (tests read in tiny blocks to cut records anywhere). */
  block?: number;
}

export function openCsvRows(path: string, access: FileAccess, location: string, o: CsvRowsOptions): CsvFileRows {
  const file = openForReading(path, access, location);
  try {
    const block = o.block ?? CSV_BLOCK;
    // A block's text and csv-parse's strings of it, held while the file is read.
    o.budget.take(
      Math.min(file.size, block) * CSV_PARSE_FACTOR,
      `reading the file in blocks of ${formatBytes(block)}`,
      location,
    );
    const table = scanRows(file, location, { ...o, block });
    return new CsvRows(file, table, block, location);
  } catch (error) {
    file.close();
    throw error;
  }
}

/** What the first pass learns: how to read the rows again, where each starts, and what they are. */
interface CsvTable {
  reading: CsvReading;
  header: string[] | null;
  rows: number;
  width: number;
  intColumns: boolean[];
  /** Where data row i starts (i < rows), and where the last one ends (i = rows). */
  offsets: Float64Array;
}

function scanRows(file: OpenFile, location: string, o: CsvRowsOptions & { block: number }): CsvTable {
  const delimiter = findDelimiter(file, o.block);
  const start = csvStart(readRange(file.fd, 0, 6), 2);
  // csv-parse's strings for one row grow with it: a row must fit in what the task may still hold.
  // Its bound counts the cells' characters, not the delimiters: one-character cells are twice that in text.
  const room = o.budget.capBytes - o.budget.usedBytes;
  const maxRowBytes = Math.max(1, Math.floor(room / (2 * CSV_PARSE_FACTOR)));
  const refuse = (line: number) =>
    new DataError(
      `line ${line}: a row whose cells hold more than ${formatBytes(maxRowBytes)} of text needs more than the ${formatBytes(room)} the task has left to read it; ${capSetting(o.budget.capMB)}`,
      'memory-cap',
      location,
    );
  const check = new CsvRowCheck(o.header, location);
  const offsets = new Offsets(o.budget, location);
  let previousEnd = start;
  const reader = new CsvRecords({ delimiter, maxRow: { bytes: maxRowBytes, refuse } }, location, (cells, line, end) => {
    // A data row starts where the record before it ended (comments and blank lines between are read again and skipped).
    if (check.add(cells, line)) offsets.push(previousEnd);
    previousEnd = start + end;
  });
  for (let at = start; at < file.size;) {
    o.checkpoint?.();
    const bytes = readRange(file.fd, at, Math.min(o.block, file.size - at));
    if (bytes.length === 0) break;
    reader.write(bytes);
    at += bytes.length;
  }
  reader.end();
  check.finish();
  offsets.push(previousEnd);
  return {
    reading: { delimiter, recordDelimiter: reader.recordDelimiter },
    header: check.header,
    rows: check.rows,
    width: check.width,
    intColumns: check.intColumns,
    offsets: offsets.values(),
  };
}

/** The delimiter as the whole text's read finds it, from the file's text decoded a block at a time. */
function findDelimiter(file: OpenFile, block: number): string {
  const search = new DelimiterSearch();
  const decoder = new TextDecoder();
  for (let at = 0; at < file.size;) {
    const bytes = readRange(file.fd, at, Math.min(block, file.size - at));
    if (bytes.length === 0) break;
    if (search.push(decoder.decode(bytes, { stream: true }))) return search.end();
    at += bytes.length;
  }
  search.push(decoder.decode());
  return search.end();
}

/** Row offsets as a growing float64 array (exact to 2**53 bytes), each growth charged to the task. */
class Offsets {
  private data = new Float64Array(0);
  private length = 0;

  constructor(
    private readonly budget: MemoryBudget,
    private readonly location: string,
  ) {}

  push(offset: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(Math.max(1024, this.data.length * 2));
      this.budget.take(
        grown.byteLength,
        `the offsets of its rows (${this.length.toLocaleString('en-US')} so far)`,
        this.location,
      );
      grown.set(this.data);
      this.budget.release(this.data.byteLength);
      this.data = grown;
    }
    this.data[this.length++] = offset;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class CsvRows implements CsvFileRows {
  readonly shape: number[];
  readonly kind: ArrayKind;
  readonly sourceDtype = 'csv';
  readonly whole = null;
  readonly header: string[] | null;
  /** The most text one `take` read (it is read and parsed CSV_BLOCK bytes at a time at most). */
  largestRead = 0;
  rowsRead = 0;
  private readonly all: number[];
  private closed = false;

  constructor(
    private readonly file: OpenFile,
    private readonly table: CsvTable,
    private readonly block: number,
    private readonly location: string,
  ) {
    this.shape = [table.rows, table.width];
    this.header = table.header;
    this.all = Array.from({ length: table.width }, (_, j) => j);
    this.kind = this.kindOf(this.all);
  }

  kindOf(columns: readonly number[]): ArrayKind {
    return columns.every((j) => this.table.intColumns[j]) ? 'int' : 'float';
  }

  take(indices: readonly number[]): NdArray {
    return this.takeColumns(indices, this.all);
  }

  takeColumns(indices: readonly number[], columns: readonly number[]): NdArray {
    const data = new Float64Array(indices.length * columns.length);
    let at = 0;
    let read = 0;
    for (const [start, end] of consecutiveRuns(indices)) {
      read += this.readRun(start, end, columns, data, at);
      at += end - start;
    }
    this.largestRead = Math.max(this.largestRead, read);
    this.rowsRead += indices.length;
    return { shape: [indices.length, columns.length], kind: this.kindOf(columns), data, sourceDtype: this.sourceDtype };
  }

  /** Rows [start, end) parsed into `out` from row `at` on; returns the bytes of text read. */
  private readRun(start: number, end: number, columns: readonly number[], out: Float64Array, at: number): number {
    const { offsets, width } = this.table;
    const from = offsets[start];
    const to = offsets[end];
    const k = columns.length;
    let got = 0;
    const reader = new CsvRecords(this.table.reading, this.location, (cells) => {
      if (got >= end - start || cells.length !== width) throw this.changed();
      const base = (at + got) * k;
      for (let j = 0; j < k; j++) {
        const v = parseCell(cells[columns[j]]);
        if (v === undefined) throw this.changed();
        out[base + j] = v;
      }
      got++;
    });
    try {
      for (let p = from; p < to;) {
        const bytes = readRange(this.file.fd, p, Math.min(this.block, to - p));
        if (bytes.length === 0) throw this.changed();
        reader.write(bytes);
        p += bytes.length;
      }
      reader.end();
    } catch (error) {
      if (error instanceof DataError) throw this.changed();
      throw error;
    }
    if (got !== end - start) throw this.changed();
    return to - from;
  }

  /** The file no longer holds, where the first pass found them, the rows it read there. */
  private changed(): DataError {
    return new DataError(
      'the file changed while it was being read: its rows are no longer where they were; run again',
      'data-corrupt',
      this.location,
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close();
  }
}

/**
 * The columns a selection picks out of a file read by rows (src/core/data/columns.ts resolves
 * them against its header): [rows, k], or [rows] for one picked as a Series.
 */
export function csvColumnRows(file: CsvFileRows, chosen: ResolvedColumns): RowSource {
  const rows = file.shape[0];
  const shape = chosen.series ? [rows] : [rows, chosen.indices.length];
  return {
    shape,
    kind: file.kindOf(chosen.indices),
    sourceDtype: file.sourceDtype,
    whole: null,
    take: (indices) => {
      const picked = file.takeColumns(indices, chosen.indices);
      return { ...picked, shape: [indices.length, ...shape.slice(1)] };
    },
  };
}
