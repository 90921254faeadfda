/**
 * A `.npy` file read by rows: the header once, then each request's rows at their byte offsets
 * (fs reads into a buffer of just those rows), so an evaluation holds one chunk of the file at
 * a time however large the file is. The file stays open (and access-checked once, on the file
 * that was opened) until the task closes it.
 */
import { readSync } from 'node:fs';
import { DataError } from '../core/data/errors';
import { checkNpyLength, decodeNpyValues, NPY_HEADER_PREFIX, type NpyHeader, readNpyHeader } from '../core/data/npy';
import { consecutiveRuns, type FileRows } from '../core/data/rowSource';
import { formatShape } from '../core/format';
import type { ArrayKind, NdArray } from '../core/runtime/array';
import type { FileAccess } from '../core/protocol/runtimeTasks';
import { openForReading, readPrefix } from './fileAccess';

/**
 * The file's rows, or null for a Fortran-order (column-major) array: a sample's values are
 * spread over the whole file there, so it is read whole and put in C order (within the cap).
 */
export function openNpyRows(path: string, access: FileAccess, location: string): FileRows | null {
  const file = openForReading(path, access, location);
  try {
    const header = readNpyHeader(readPrefix(file, NPY_HEADER_PREFIX), location);
    if (!header) throw new DataError('corrupt .npy file: truncated header', 'data-corrupt', location);
    if (header.fortran && header.shape.length > 1) {
      file.close();
      return null;
    }
    if (header.shape.length === 0)
      throw new DataError('the file holds a single number, not an array of samples', 'data-shape', location);
    checkNpyLength(header, file.size, location);
    return npyRowsAt(header, file.fd, () => file.close(), location);
  } catch (error) {
    file.close();
    throw error;
  }
}

/**
 * Rows of a `.npy` whose header is `header`, its data at `header.dataStart` in the open file `fd`
 * (a file of its own, or a member stored uncompressed in a `.npz`).
 */
export function npyRowsAt(header: NpyHeader, fd: number, close: () => void, location: string): FileRows {
  return new NpyRows(header, fd, close, location);
}

/**
 * What every reader of a `.npy` array's rows keeps (a file of its own, or a `.npz` member stored
 * or deflated): the array's layout from its header, the counts a task reports, and turning the
 * raw bytes of some rows into values. Subclasses fetch the bytes and close what they opened.
 */
export abstract class NpyRowReader implements FileRows {
  readonly shape: number[];
  readonly kind: ArrayKind;
  readonly sourceDtype: string;
  readonly whole = null;
  largestRead = 0;
  rowsRead = 0;
  protected readonly rowBytes: number;
  private readonly rowValues: number;
  private closed = false;

  protected constructor(
    protected readonly header: NpyHeader,
    protected readonly location: string,
  ) {
    this.shape = header.shape;
    this.sourceDtype = header.descr;
    this.rowValues = header.shape.slice(1).reduce((a, b) => a * b, 1);
    this.rowBytes = this.rowValues * header.itemBytes;
    // The kind comes from the dtype; decoding nothing reads it without touching the file.
    this.kind = decodeNpyValues(header, new Uint8Array(0), 0, location).kind;
  }

  abstract take(indices: readonly number[]): NdArray;

  /** `rows` rows' raw bytes, in order, as the array they are. */
  protected decodeRows(bytes: Uint8Array, rows: number): NdArray {
    this.rowsRead += rows;
    const { data } = decodeNpyValues(this.header, bytes, rows * this.rowValues, this.location);
    return { shape: [rows, ...this.shape.slice(1)], kind: this.kind, data, sourceDtype: this.sourceDtype };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  /** Closes what the reader opened, once. */
  protected abstract release(): void;
}

class NpyRows extends NpyRowReader {
  constructor(
    header: NpyHeader,
    private readonly fd: number,
    private readonly closeFile: () => void,
    location: string,
  ) {
    super(header, location);
  }

  take(indices: readonly number[]): NdArray {
    const rows = indices.length;
    const bytes = new Uint8Array(rows * this.rowBytes);
    let at = 0;
    for (const [start, end] of consecutiveRuns(indices)) {
      const length = (end - start) * this.rowBytes;
      this.readExactly(bytes, at, length, this.header.dataStart + start * this.rowBytes, start);
      at += length;
    }
    this.largestRead = Math.max(this.largestRead, bytes.length);
    return this.decodeRows(bytes, rows);
  }

  private readExactly(into: Uint8Array, offset: number, length: number, position: number, firstRow: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, into, offset + done, length - done, position + done);
      if (n === 0) {
        // The file was shorter than its header declared when it was opened: it changed since.
        const row = firstRow + Math.floor(done / this.rowBytes);
        throw new DataError(
          `corrupt or truncated .npy file: it ends at byte ${(position + done).toLocaleString('en-US')}, inside sample ${row.toLocaleString('en-US')} of ${this.shape[0].toLocaleString('en-US')} (shape ${formatShape(this.shape)}, ${this.header.descr})`,
          'data-corrupt',
          this.location,
        );
      }
      done += n;
    }
  }

  protected release(): void {
    this.closeFile();
  }
}
