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
import { NPY_HEADER_PREFIX, type NpyHeader, readNpyHeader } from '../core/data/npy';
import type { FileAccess } from '../core/protocol/runtimeTasks';
import type { NdArray } from '../core/runtime/array';
import { formatShape } from '../core/format';
import { formatBytes } from '../core/runtime/memory';
import { openForReading, type OpenFile } from './fileAccess';
import { NpyRowReader, npyRowsAt } from './npyFile';
import type { FileRows } from '../core/data/rowSource';
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
export function openNpzRows(path: string, access: FileAccess, location: string): Record<string, FileRows> | null {
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
    const out: Record<string, FileRows> = {};
    for (const m of members) {
      if (!m.name.endsWith('.npy')) continue;
      const key = m.name.slice(0, -'.npy'.length);
      const at = `${location}[${shortName(key)}]`;
      let rows: FileRows | null;
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

/** The member's .npy header from its first bytes; null when it is better read whole. */
function memberHeader(prefix: Uint8Array, m: ZipMember, location: string): NpyHeader | null {
  const header = readNpyHeader(prefix, location);
  if (!header) throw new DataError('corrupt .npy member: truncated header', 'data-corrupt', location);
  if (!rowReadable(header)) return null;
  if (header.totalBytes > m.size) throw endsEarly(m, header, location);
  return header;
}

function storedRows(file: OpenFile, m: ZipMember, release: () => void, location: string): FileRows | null {
  const prefix = new Uint8Array(Math.min(NPY_HEADER_PREFIX, m.size));
  const got = readSync(file.fd, prefix, 0, prefix.length, m.dataStart);
  const header = memberHeader(prefix.subarray(0, got), m, location);
  if (!header) return null;
  return npyRowsAt({ ...header, dataStart: m.dataStart + header.dataStart }, file.fd, release, location);
}

/**
 * A deflated member's bytes, inflated forward from the start of the member: `bytes(from, to)`
 * inflates as far as `to` and drops what lies before `from`; asking for earlier bytes than it
 * holds starts again from the beginning.
 */
class ForwardInflater {
  /** The inflated bytes held, starting at byte `heldFrom` of the member's .npy. */
  private held: Uint8Array[] = [];
  private heldFrom = 0;
  /** Bytes inflated so far, and compressed bytes read so far. */
  produced = 0;
  private consumed = 0;
  private inflater!: Inflate;

  constructor(
    private readonly file: OpenFile,
    private readonly member: ZipMember,
    private readonly location: string,
  ) {
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

  /**
   * The member's bytes from `from` up to `to` (fewer when it ends first; `produced` then says
   * where), holding on only to what lies after `to` when `drop` is set.
   */
  bytes(from: number, to: number, drop: boolean): { bytes: Uint8Array; start: number } {
    if (from < this.heldFrom) this.restart();
    this.inflateTo(to);
    const all = concatBytes(this.held, this.produced - this.heldFrom);
    const start = this.heldFrom;
    if (drop && this.produced >= to) {
      // The next chunk starts after `to`: what lies before it is read.
      this.held = [all.slice(to - this.heldFrom)];
      this.heldFrom = to;
    } else this.held = [all];
    return { bytes: all, start };
  }

  close(): void {
    this.held = [];
  }
}

/** A deflated member, inflated forward as its rows are asked for. */
class InflatedRows extends NpyRowReader {
  /** The member's reader, or null when its header says it is better read whole. */
  static open(file: OpenFile, m: ZipMember, release: () => void, location: string): InflatedRows | null {
    const inflater = new ForwardInflater(file, m, location);
    const prefix = inflater.bytes(0, Math.min(NPY_HEADER_PREFIX, m.size), false).bytes;
    const header = memberHeader(prefix, m, location);
    return header ? new InflatedRows(inflater, header, m, release, location) : null;
  }

  private constructor(
    private readonly inflater: ForwardInflater,
    header: NpyHeader,
    private readonly member: ZipMember,
    private readonly releaseMember: () => void,
    location: string,
  ) {
    super(header, location);
  }

  take(indices: readonly number[]): NdArray {
    const { header } = this;
    const rows = indices.length;
    const out = new Uint8Array(rows * this.rowBytes);
    if (rows > 0) {
      const from = header.dataStart + Math.min(...indices) * this.rowBytes;
      const to = header.dataStart + (Math.max(...indices) + 1) * this.rowBytes;
      const held = this.inflater.bytes(from, to, true);
      if (this.inflater.produced < to) {
        const row = Math.floor((this.inflater.produced - header.dataStart) / this.rowBytes);
        throw new DataError(
          `corrupt or truncated .npz archive: member '${shortName(this.member.name)}' ends inside sample ${row.toLocaleString('en-US')} of ${this.shape[0].toLocaleString('en-US')} (shape ${formatShape(this.shape)}, ${header.descr})`,
          'data-corrupt',
          this.location,
        );
      }
      indices.forEach((r, i) => {
        const start = header.dataStart + r * this.rowBytes - held.start;
        out.set(held.bytes.subarray(start, start + this.rowBytes), i * this.rowBytes);
      });
      this.largestRead = Math.max(this.largestRead, to - from);
    }
    return this.decodeRows(out, rows);
  }

  protected release(): void {
    this.inflater.close();
    this.releaseMember();
  }
}
