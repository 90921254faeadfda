/**
 * NumPy `.npy` reader (format versions 1–3). Every way a file can be broken gets its own
 * message: users hand us files written by other tools, truncated downloads, pickled object
 * arrays of ragged sequences.
 */
import { type ArrayKind, type NdArray, sizeOf } from '../runtime/array';
import { formatShape } from '../format';
import type { MemoryBudget } from '../runtime/memory';
import { DataError } from './errors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Descr {
  kind: ArrayKind;
  bytes: number;
  littleEndian: boolean;
  read: (view: DataView, offset: number, littleEndian: boolean) => number;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function parseDescr(descr: string, location: string): Descr {
  const m = /^([<>|=])([a-zA-Z])(\d{1,4})$/.exec(descr);
  if (!m) {
    // The header is the file's text: say what kind of dtype it is, not what it spells.
    if (descr.startsWith('[') || descr.includes('('))
      throw new DataError(
        'a structured dtype (named fields) is not supported; save a plain numeric array',
        'data-dtype',
        location,
      );
    throw new DataError('the header names a dtype that is not a NumPy type code', 'data-dtype', location);
  }
  const [, order, code, sizeText] = m;
  const bytes = Number(sizeText);
  const littleEndian = order !== '>';
  const key = `${code}${bytes}`;
  const readers: Record<string, Omit<Descr, 'littleEndian'>> = {
    f2: { kind: 'float', bytes: 2, read: (v, o, le) => halfToFloat(v.getUint16(o, le)) },
    f4: { kind: 'float', bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
    f8: { kind: 'float', bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
    i1: { kind: 'int', bytes: 1, read: (v, o) => v.getInt8(o) },
    i2: { kind: 'int', bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
    i4: { kind: 'int', bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
    i8: { kind: 'int', bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
    u1: { kind: 'int', bytes: 1, read: (v, o) => v.getUint8(o) },
    u2: { kind: 'int', bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
    u4: { kind: 'int', bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
    u8: { kind: 'int', bytes: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
    b1: { kind: 'bool', bytes: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0) },
  };
  const reader = readers[key];
  if (!reader) {
    if (code === 'O') {
      throw new DataError(
        'object array (dtype=object): this is usually a list of sequences of different lengths; pad them first (e.g. keras.utils.pad_sequences) and save the padded array',
        'data-dtype',
        location,
      );
    }
    if (code === 'U' || code === 'S')
      throw new DataError(`string array (dtype '${descr}') cannot be fed to a model`, 'data-dtype', location);
    if (code === 'c')
      throw new DataError(`complex array (dtype '${descr}') cannot be fed to a model`, 'data-dtype', location);
    throw new DataError(`unsupported dtype '${descr}'`, 'data-dtype', location);
  }
  return { ...reader, littleEndian };
}

/** Parses the header dict: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. */
function parseHeader(text: string, location: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1] ?? /'descr'\s*:\s*(\[.*\])/.exec(text)?.[1];
  const fortranText = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  const missing = [
    descr === undefined && "'descr'",
    fortranText === undefined && "'fortran_order'",
    shapeText === undefined && "'shape'",
  ].filter(Boolean);
  if (descr === undefined || fortranText === undefined || shapeText === undefined) {
    throw new DataError(`corrupt .npy header: it has no readable ${missing.join(', ')}`, 'data-corrupt', location);
  }
  const entries = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = entries.map((s, i) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isSafeInteger(n) || n < 0)
      throw new DataError(
        `corrupt .npy header: shape entry ${i + 1} of ${entries.length} is not a size`,
        'data-corrupt',
        location,
      );
    return n;
  });
  return { descr, fortran: fortranText === 'True', shape };
}

/** Fortran (column-major) data → C order. */
function fortranToC(shape: number[], data: Float64Array): Float64Array {
  const n = data.length;
  const out = new Float64Array(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const cStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    cStrides[i] = s;
    s *= shape[i];
  }
  for (let f = 0; f < n; f++) {
    let c = 0;
    for (let i = 0; i < rank; i++) c += idx[i] * cStrides[i];
    out[c] = data[f];
    for (let i = 0; i < rank; i++) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** What a .npy header declares: enough to know an array's size before reading (or inflating) its data. */
export interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  /** Bytes per value in the file. */
  itemBytes: number;
  /** Where the data starts: the header's end. */
  dataStart: number;
  /** The whole file's size as the header declares it. */
  totalBytes: number;
}

/**
 * Reads the header at the start of `bytes` (which may be only the file's first bytes); null
 * while `bytes` is too short to hold it. A file that is no .npy is refused.
 */
export function readNpyHeader(bytes: Uint8Array, location: string): NpyHeader | null {
  if (bytes.length < 10) {
    if (MAGIC.slice(0, bytes.length).some((b, i) => bytes[i] !== b))
      throw new DataError('not a .npy file (the NumPy magic bytes \\x93NUMPY are missing)', 'data-corrupt', location);
    return null;
  }
  if (MAGIC.some((b, i) => bytes[i] !== b))
    throw new DataError('not a .npy file (the NumPy magic bytes \\x93NUMPY are missing)', 'data-corrupt', location);
  const major = bytes[6];
  if (major < 1 || major > 3)
    throw new DataError(`unsupported .npy format version ${major}.${bytes[7]}`, 'data-corrupt', location);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + headerLenBytes) return null;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + headerLenBytes;
  // NumPy writes headers of a few hundred bytes; a longer one is no header NumPy made.
  if (headerLen > MAX_HEADER_BYTES)
    throw new DataError(`corrupt .npy file: its header claims ${headerLen} bytes`, 'data-corrupt', location);
  if (headerStart + headerLen > bytes.length) return null;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );
  const { descr, fortran, shape } = parseHeader(header, location);
  const d = parseDescr(descr, location);
  const dataStart = headerStart + headerLen;
  return { descr, fortran, shape, itemBytes: d.bytes, dataStart, totalBytes: dataStart + sizeOf(shape) * d.bytes };
}

const MAX_HEADER_BYTES = 65_536;

/** The first bytes of a file that certainly hold its header. */
export const NPY_HEADER_PREFIX = 12 + MAX_HEADER_BYTES;

/** Refuses a file shorter than its header declares (a truncated download, or a header that lies). */
export function checkNpyLength(h: NpyHeader, fileBytes: number, location: string): void {
  const needed = h.totalBytes - h.dataStart;
  const available = fileBytes - h.dataStart;
  if (available < needed) {
    throw new DataError(
      `corrupt or truncated .npy file: shape ${formatShape(h.shape)} of ${h.descr} needs ${needed} bytes of data, the file holds ${available}`,
      'data-corrupt',
      location,
    );
  }
}

/** `budget` is charged for the float64 values before they are allocated. */
export function parseNpy(bytes: Uint8Array, location: string, budget?: MemoryBudget): NdArray {
  const h = readNpyHeader(bytes, location);
  if (!h) throw new DataError('corrupt .npy file: truncated header', 'data-corrupt', location);
  const { descr, fortran, shape, dataStart } = h;
  const d = parseDescr(descr, location);
  const count = sizeOf(shape);
  checkNpyLength(h, bytes.length, location);
  budget?.take(
    count * 8 * (fortran && shape.length > 1 ? 2 : 1),
    `its array of shape ${formatShape(shape)} (${descr})`,
    location,
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let data: Float64Array = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = d.read(view, dataStart + i * d.bytes, d.littleEndian);
  if (fortran && shape.length > 1) data = fortranToC(shape, data);
  return { shape, kind: d.kind, data, sourceDtype: descr };
}

/**
 * `count` values of a C-order array from `bytes`, a slice of the file's data the caller read
 * (rows at byte offsets, so a file larger than memory can be read in parts).
 */
export function decodeNpyValues(
  h: NpyHeader,
  bytes: Uint8Array,
  count: number,
  location: string,
): { kind: ArrayKind; data: Float64Array } {
  const d = parseDescr(h.descr, location);
  const data = new Float64Array(count);
  if (d.kind === 'float' && d.bytes === 4 && d.littleEndian && bytes.byteOffset % 4 === 0) {
    // The common case (float32 data) without a DataView call per value.
    data.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) data[i] = d.read(view, i * d.bytes, d.littleEndian);
  }
  return { kind: d.kind, data };
}

/** Writes a little-endian `<f4`/`<f8`/`<i4`/`<i8` .npy (tests and exports). */
export function writeNpy(
  array: { shape: number[]; data: ArrayLike<number> },
  descr: '<f4' | '<f8' | '<i4' | '<i8' = '<f4',
): Uint8Array {
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const itemBytes = Number(descr.slice(2));
  const out = new Uint8Array(10 + header.length + array.data.length * itemBytes);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < array.data.length; i++) {
    const o = start + i * itemBytes;
    const v = array.data[i];
    if (descr === '<f4') view.setFloat32(o, v, true);
    else if (descr === '<f8') view.setFloat64(o, v, true);
    else if (descr === '<i4') view.setInt32(o, v, true);
    else view.setBigInt64(o, BigInt(Math.trunc(v)), true);
  }
  return out;
}
