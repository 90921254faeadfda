/**
 * HDF5 files (Keras' `.weights.h5`, legacy `.h5` models, the weights inside a `.keras`
 * archive), read with jsfive. The file is untrusted: jsfive throws strings and returns
 * plain values of any kind, so this adapter turns every failure into one located
 * `DataError`, checks each dataset's declared shape and type before reading it, and charges
 * the memory budget for its values before they exist.
 */
import { File, Group, Dataset } from 'jsfive';
import { formatShape } from '../format';
import { formatBytes, type MemoryBudget } from '../runtime/memory';
import { DataError } from '../data/errors';

/** Float types Keras writes weights in; jsfive names them like NumPy (`<f4`). */
const FLOAT_TYPES = new Set(['<f2', '<f4', '<f8', '>f4', '>f8']);
/** Attributes longer than this are refused, not decoded (a config is a few hundred KB). */
const MAX_TEXT = 64 * 1024 * 1024;

export interface H5Array {
  /** Path inside the file, for messages. */
  path: string;
  shape: number[];
  values: Float32Array;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unreadable structure';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** One group of an open HDF5 file. Paths are relative to it, `/`-separated. */
export class H5Group {
  constructor(
    private readonly group: Group,
    readonly path: string,
    private readonly location: string,
  ) {}

  keys(): string[] {
    try {
      return this.group.keys;
    } catch (error) {
      throw this.corrupt(`group '${this.path}' cannot be listed (${describe(error)})`);
    }
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  private child(key: string): unknown {
    try {
      return this.group.get(key);
    } catch (error) {
      throw this.corrupt(`'${this.join(key)}' cannot be read (${describe(error)})`);
    }
  }

  private join(key: string): string {
    return this.path === '/' ? `/${key}` : `${this.path}/${key}`;
  }

  /** The subgroup at `key` (one name, not a path), or null when there is none or it is a dataset. */
  sub(key: string): H5Group | null {
    if (!this.has(key)) return null;
    const c = this.child(key);
    return c instanceof Group ? new H5Group(c, this.join(key), this.location) : null;
  }

  /** The subgroup at a `/`-separated path, or null. */
  at(path: string): H5Group | null {
    const [first, ...rest] = path.split('/').filter((p) => p !== '');
    if (first === undefined) return this;
    const next = this.sub(first);
    return next && rest.length > 0 ? next.at(rest.join('/')) : next;
  }

  isDataset(key: string): boolean {
    return this.has(key) && this.child(key) instanceof Dataset;
  }

  /** The float dataset at a `/`-separated path, charged to `budget` (4 bytes a value) before it is read. */
  dataset(path: string, budget?: MemoryBudget): H5Array {
    const parts = path.split('/').filter((p) => p !== '');
    const last = parts.pop();
    const parent = parts.length > 0 ? this.at(parts.join('/')) : this;
    const full = this.join(path);
    if (!last || !parent || !parent.has(last)) throw this.corrupt(`has no dataset '${full}'`);
    const d = parent.child(last);
    if (!(d instanceof Dataset)) throw this.corrupt(`'${full}' is a group, not a dataset`);
    let shape: unknown;
    let dtype: unknown;
    try {
      shape = d.shape;
      dtype = d.dtype;
    } catch (error) {
      throw this.corrupt(`dataset '${full}' has an unreadable header (${describe(error)})`);
    }
    if (!Array.isArray(shape) || !shape.every((n): n is number => Number.isSafeInteger(n) && n >= 0)) {
      throw this.corrupt(`dataset '${full}' has no valid shape`);
    }
    if (typeof dtype !== 'string' || !FLOAT_TYPES.has(dtype)) {
      throw this.corrupt(
        `dataset '${full}' holds ${typeof dtype === 'string' ? `'${dtype}'` : 'non-numeric'} values, not floats`,
      );
    }
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    // jsfive returns a plain array of doubles: about 8 bytes a value while it is copied to float32.
    const bytes = count * 12;
    budget?.take(bytes, `weights '${full}' (shape ${formatShape(shape)}, ${formatBytes(count * 4)})`, this.location);
    let raw: unknown;
    try {
      raw = d.value;
    } catch (error) {
      budget?.release(bytes);
      throw this.corrupt(`dataset '${full}' cannot be read (${describe(error)})`);
    }
    budget?.release(bytes - count * 4);
    if (!Array.isArray(raw) || raw.length !== count) {
      budget?.release(count * 4);
      throw this.corrupt(
        `dataset '${full}' holds ${Array.isArray(raw) ? raw.length : 'no'} values, its shape ${formatShape(shape)} declares ${count}`,
      );
    }
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const v: unknown = raw[i];
      values[i] = typeof v === 'number' ? v : NaN;
    }
    return { path: full, shape, values };
  }

  /** A text attribute (or a list of them, as Keras writes `layer_names`); null when absent. */
  attrText(name: string): string | string[] | null {
    let attrs: Record<string, unknown>;
    try {
      attrs = this.group.attrs;
    } catch (error) {
      throw this.corrupt(`the attributes of '${this.path}' cannot be read (${describe(error)})`);
    }
    if (!(name in attrs)) return null;
    const text = (v: unknown): string => {
      const s = typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : null;
      if (s === null || s.length > MAX_TEXT) throw this.corrupt(`attribute '${name}' of '${this.path}' is not text`);
      return s;
    };
    const v = attrs[name];
    return Array.isArray(v) ? v.map(text) : text(v);
  }

  corrupt(message: string): DataError {
    return new DataError(message, 'data-corrupt', this.location);
  }
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Opens HDF5 bytes; `location` (the file's path) starts every message. */
export function openHdf5(bytes: Uint8Array, location: string): H5Group {
  if (!isHdf5(bytes))
    throw new DataError('is not an HDF5 file (no HDF5 signature at its start)', 'data-format', location);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let file: File;
  try {
    file = new File(buffer instanceof ArrayBuffer ? buffer : new Uint8Array(bytes).buffer, location);
  } catch (error) {
    throw new DataError(`is not a readable HDF5 file (${describe(error)})`, 'data-corrupt', location);
  }
  return new H5Group(file, '/', location);
}
