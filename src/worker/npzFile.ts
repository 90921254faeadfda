/**
 * A `.npz` archive read by rows, like a `.npy` file (npyFile.ts): each `.npy` member is found in
 * place (zipMembers.ts); a member stored uncompressed (`np.savez`) is read at byte offsets, and a
 * deflated one (`np.savez_compressed`) is inflated forward only as far as the rows asked for, its
 * earlier bytes dropped once read. An evaluation asks for its rows in order, so each compressed
 * byte is inflated once and what the archive holds in memory is about one chunk, whatever its size.
 * An archive is untrusted: a member inflating past the size its zip entry declares is refused as
 * corrupt (or a zip bomb) as soon as it does, and one ending before its .npy header's rows, where
 * the read finds it.
 */
import { readSync } from 'node:fs';
import { Inflate } from 'fflate';
import { concatBytes } from '../core/data/bytes';
import { shortName } from '../core/data/boundedUnzip';
import { DataError } from '../core/data/errors';
import { decodeNpyValues, NPY_HEADER_PREFIX, type NpyHeader, readNpyHeader } from '../core/data/npy';
import type { FileAccess } from '../core/protocol/runtimeTasks';
import type { ArrayKind, NdArray } from '../core/runtime/array';
import { formatShape } from '../core/format';
import { formatBytes } from '../core/runtime/memory';
import { openForReading, type OpenFile } from './fileAccess';
import { type NpyFileRows, npyRowsAt } from './npyFile';
import { type ZipMember, zipMembers } from './zipMembers';

/** Compressed bytes inflated at a time: at most ~1,000× that comes out before the bound is checked again. */
const STEP = 16 * 1024;
const STORED = 0;
const DEFLATED = 8;

/**
 * The archive's arrays by key (the member's name without `.npy`), each read by rows; null when
 * it is better read whole: a member Fortran-ordered or of one number, a compression other than
 * stored or deflate, or an archive layout the member walk does not read.
 */
export function openNpzRows(path: string, access: FileAccess, location: string): Record<string, NpyFileRows> | null {
  const file = openForReading(path, access, location);
  let open = 0;
  let closed = false;
  // Every member shares the one open file: it closes when the last of them is closed.
  const release = () => {
    if (closed || --open > 0) return;
    closed = true;
    file.close();
  };
  try {
    const members = zipMembers(file.fd, file.size, location);
    if (!members) {
      closed = true;
      file.close();
      return null;
    }
    const out: Record<string, NpyFileRows> = {};
    for (const m of members) {
      if (!m.name.endsWith('.npy')) continue;
      const key = m.name.slice(0, -'.npy'.length);
      const at = `${location}[${shortName(key)}]`;
      let rows: NpyFileRows | null;
      if (m.method === STORED) rows = storedRows(file, m, release, at);
      else if (m.method === DEFLATED) rows = InflatedRows.open(file, m, release, at);
      else rows = null;
      if (!rows) {
        Object.values(out).forEach((r) => r.close());
        if (!closed) file.close();
        closed = true;
        return null;
      }
      open++;
      out[key] = rows;
    }
    if (Object.keys(out).length === 0)
      throw new DataError('the .npz archive holds no .npy arrays', 'data-corrupt', location);
    return out;
  } catch (error) {
    if (!closed) file.close();
    closed = true;
    throw error;
  }
}

/** A header that can be read by rows: C order (or one axis), at least one axis of samples. */
function rowReadable(h: NpyHeader): boolean {
  return h.shape.length > 0 && !(h.fortran && h.shape.length > 1);
}

function endsEarly(m: ZipMember, h: NpyHeader, location: string): DataError {
  return new DataError(
    `corrupt .npz archive: member '${shortName(m.name)}' holds ${m.size.toLocaleString('en-US')} bytes, its .npy header declares shape ${formatShape(h.shape)} of ${h.descr} (${h.totalBytes.toLocaleString('en-US')} bytes)`,
    'data-corrupt',
    location,
  );
}

function storedRows(file: OpenFile, m: ZipMember, release: () => void, location: string): NpyFileRows | null {
  const prefix = new Uint8Array(Math.min(NPY_HEADER_PREFIX, m.size));
  const got = readSync(file.fd, prefix, 0, prefix.length, m.dataStart);
  const header = readNpyHeader(prefix.subarray(0, got), location);
  if (!header) throw new DataError('corrupt .npy member: truncated header', 'data-corrupt', location);
  if (!rowReadable(header)) return null;
  if (header.totalBytes > m.size) throw endsEarly(m, header, location);
  return npyRowsAt({ ...header, dataStart: m.dataStart + header.dataStart }, file.fd, release, location);
}

/** A deflated member, inflated forward as its rows are asked for. */
class InflatedRows implements NpyFileRows {
  readonly shape: number[];
  readonly kind: ArrayKind;
  readonly sourceDtype: string;
  readonly whole = null;
  largestRead = 0;
  rowsRead = 0;
  private readonly rowValues: number;
  private readonly rowBytes: number;
  private header: NpyHeader | null = null;
  /** The inflated bytes held, starting at byte `heldFrom` of the member's .npy. */
  private held: Uint8Array[] = [];
  private heldFrom = 0;
  private produced = 0;
  private consumed = 0;
  private inflater!: Inflate;
  private closed = false;

  /** The member's reader, or null when its header says it is better read whole. */
  static open(file: OpenFile, m: ZipMember, release: () => void, location: string): InflatedRows | null {
    const probe = new InflatedRows(file, m, release, location, null);
    probe.inflateTo(Math.min(NPY_HEADER_PREFIX, m.size));
    const header = readNpyHeader(concatBytes(probe.held, probe.produced), location);
    if (!header) throw new DataError('corrupt .npy member: truncated header', 'data-corrupt', location);
    if (!rowReadable(header)) return null;
    if (header.totalBytes > m.size) throw endsEarly(m, header, location);
    return new InflatedRows(file, m, release, location, header);
  }

  private constructor(
    private readonly file: OpenFile,
    private readonly member: ZipMember,
    private readonly release: () => void,
    private readonly location: string,
    header: NpyHeader | null,
  ) {
    this.header = header;
    this.shape = header?.shape ?? [0];
    this.sourceDtype = header?.descr ?? '';
    this.rowValues = this.shape.slice(1).reduce((a, b) => a * b, 1);
    this.rowBytes = this.rowValues * (header?.itemBytes ?? 0);
    this.kind = header ? decodeNpyValues(header, new Uint8Array(0), 0, location).kind : 'float';
    this.restart();
  }

  private restart(): void {
    this.held = [];
    this.heldFrom = 0;
    this.produced = 0;
    this.consumed = 0;
    this.inflater = new Inflate((chunk) => {
      this.produced += chunk.length;
      this.held.push(chunk);
    });
  }

  /** Inflates until `end` bytes of the member came out, or its compressed bytes ran out. */
  private inflateTo(end: number): void {
    const { member } = this;
    while (this.produced < end && this.consumed < member.compressedSize) {
      const length = Math.min(STEP, member.compressedSize - this.consumed);
      const chunk = new Uint8Array(length);
      const got = readSync(this.file.fd, chunk, 0, length, member.dataStart + this.consumed);
      if (got < length)
        throw new DataError(
          `corrupt or truncated .npz archive: member '${shortName(member.name)}' is cut short`,
          'data-corrupt',
          this.location,
        );
      this.consumed += length;
      try {
        this.inflater.push(chunk, this.consumed === member.compressedSize);
      } catch (error) {
        throw new DataError(
          `member '${shortName(member.name)}' cannot be inflated (${error instanceof Error ? error.message : String(error)})`,
          'data-corrupt',
          this.location,
        );
      }
      if (this.produced > member.size)
        throw new DataError(
          `member '${shortName(member.name)}' inflates to more than the ${formatBytes(member.size)} its zip entry declares: the archive is corrupt or a zip bomb`,
          'data-corrupt',
          this.location,
        );
    }
  }

  take(indices: readonly number[]): NdArray {
    const header = this.header;
    if (!header) throw new Error('an .npz member read before its header');
    const rows = indices.length;
    const out = new Uint8Array(rows * this.rowBytes);
    if (rows > 0) {
      const first = Math.min(...indices);
      const last = Math.max(...indices);
      const from = header.dataStart + first * this.rowBytes;
      const to = header.dataStart + (last + 1) * this.rowBytes;
      // Forward only: rows before what is held mean inflating again from the start.
      if (from < this.heldFrom) this.restart();
      this.inflateTo(to);
      if (this.produced < to) {
        const row = Math.floor((this.produced - header.dataStart) / this.rowBytes);
        throw new DataError(
          `corrupt or truncated .npz archive: member '${shortName(this.member.name)}' ends inside sample ${row.toLocaleString('en-US')} of ${this.shape[0].toLocaleString('en-US')} (shape ${formatShape(this.shape)}, ${header.descr})`,
          'data-corrupt',
          this.location,
        );
      }
      const bytes = concatBytes(this.held, this.produced - this.heldFrom);
      indices.forEach((r, i) => {
        const start = header.dataStart + r * this.rowBytes - this.heldFrom;
        out.set(bytes.subarray(start, start + this.rowBytes), i * this.rowBytes);
      });
      // Keep what lies after the last row read: the next chunk starts there.
      this.held = [bytes.slice(to - this.heldFrom)];
      this.heldFrom = to;
      this.largestRead = Math.max(this.largestRead, to - from);
    }
    this.rowsRead += rows;
    const { data } = decodeNpyValues(header, out, rows * this.rowValues, this.location);
    return { shape: [rows, ...this.shape.slice(1)], kind: this.kind, data, sourceDtype: this.sourceDtype };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    this.release();
  }
}
