/**
 * The one CSV reader, whole texts and files read in blocks alike: csv-parse's `Parser` fed the
 * bytes a block at a time, each record handed on with the line csv-parse counts and the byte it
 * ends at. The Parser is a Node stream, but its `write` and `end` run csv-parse synchronously
 * (its `_transform` and `_flush` parse at once and call back with any error), which a worker
 * loading data synchronously needs; a failure is then the stream's `errored`.
 */
import { CsvError, type Options, Parser } from 'csv-parse';
import { DataError } from './errors';

/** How the rows of a file are read: the same for its whole text and for any run of its rows. */
export interface CsvReading {
  delimiter: string;
  /**
   * The line ending the file's rows end with, as csv-parse found it reading the file from its
   * start (a run of rows read alone must not find another one); found from the text when absent.
   */
  recordDelimiter?: string;
  /** A row of more bytes of text than this is refused with `refuse(line)` (what the task can hold). */
  maxRow?: { bytes: number; refuse: (line: number) => DataError };
}

/** One record: its text cells, the line csv-parse was on at its end, and the byte after it (from where reading began). */
export type OnRecord = (cells: string[], line: number, end: number) => void;

/** csv-parse's options: what a cell is, which lines are not rows. The same for every read. */
function parserOptions(reading: CsvReading, onRecord: OnRecord): Options {
  return {
    delimiter: reading.delimiter,
    ...(reading.recordDelimiter !== undefined ? { record_delimiter: reading.recordDelimiter } : {}),
    ...(reading.maxRow ? { max_record_size: reading.maxRow.bytes } : {}),
    // Byte-order marks are dropped before the reader sees the bytes (csvStart), as a decoded text drops them.
    bom: false,
    comment: '#',
    comment_no_infix: true,
    skip_empty_lines: true,
    trim: true,
    on_record: (record, context) => {
      onRecord(record, context.lines, context.bytes);
      // Nothing is kept in the stream: records are handed on as they are read.
      return null;
    },
  };
}

export class CsvRecords {
  private readonly parser: Parser;
  /** Set once the stream has run csv-parse's end (Node emits 'prefinish' right after a synchronous `_final`). */
  private ended = false;

  constructor(
    private readonly reading: CsvReading,
    private readonly location: string,
    onRecord: OnRecord,
  ) {
    this.parser = new Parser(parserOptions(reading, onRecord));
    // The stream also emits its error later; it is taken from `errored` at once.
    this.parser.on('error', () => undefined);
    this.parser.on('prefinish', () => (this.ended = true));
  }

  /** Reads the next bytes (a block of its own: csv-parse keeps the end of one until the next comes). */
  write(bytes: Uint8Array): void {
    this.parser.write(bytes);
    this.check();
  }

  /** Reads the last record, one that no line ending closes. */
  end(): void {
    this.parser.end();
    this.check();
    // A Node whose streams ran the end later would lose the last row without a word: refuse instead.
    if (!this.ended) throw new Error('csv-parse did not read the end of the text synchronously');
  }

  /** The line ending csv-parse found (or was given), for reading runs of the same rows later. */
  get recordDelimiter(): string | undefined {
    return this.reading.recordDelimiter ?? this.parser.options.record_delimiter[0]?.toString('utf8');
  }

  private check(): void {
    const error = this.parser.errored;
    if (error) throw csvDataError(error, this.reading, this.location);
  }
}

/** A csv-parse error as one located sentence; anything else (a record handler's own error) as it is. */
function csvDataError(error: Error, reading: CsvReading, location: string): Error {
  if (!(error instanceof CsvError)) return error;
  const line = typeof error.lines === 'number' ? error.lines : null;
  if (error.code === 'CSV_MAX_RECORD_SIZE' && reading.maxRow && line !== null) return reading.maxRow.refuse(line);
  const where = line !== null ? `line ${line}: ` : '';
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
    return new DataError(`${where}a row has a different number of columns than the first row`, 'data-shape', location);
  return new DataError(`${where}the file is not valid CSV (${error.code})`, 'data-format', location);
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Where the rows start in a file's bytes: after the byte-order marks reading it as text drops
 * (TextDecoder drops one, and parseCsv one more of what is left), so the bytes a block reader
 * gives csv-parse are those the whole text gives it. A UTF-16 mark is no mark there: decoded
 * as UTF-8 it is two replacement characters, which its raw bytes also decode to.
 */
export function csvStart(bytes: Uint8Array, marks: number): number {
  let at = 0;
  for (let m = 0; m < marks && UTF8_BOM.every((b, i) => bytes[at + i] === b); m++) at += UTF8_BOM.length;
  return at;
}
