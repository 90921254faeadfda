/**
 * NumPy `.npz` archives (plain or compressed zip of `.npy` members), unpacked with fflate's
 * streaming Unzip. An archive is untrusted: a member may inflate to a thousand times its
 * compressed size, or claim one size and inflate to another. So each member is inflated in
 * small steps with a hard bound — its declared size, then the size its own .npy header
 * declares, whichever is smaller — and the memory budget is charged from the header before
 * the values exist.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { formatShape } from '../format';
import type { NdArray } from '../runtime/array';
import { formatBytes, type MemoryBudget } from '../runtime/memory';
import { concatBytes } from './bytes';
import { DataError } from './errors';
import { parseNpy, readNpyHeader } from './npy';

/** Compressed bytes handed to the inflater at a time: at most ~1,000× that comes out before the bound is checked again. */
const STEP = 16 * 1024;
/** Zip's "size unknown, look in the zip64 extra field" marker, which fflate passes on as a size. */
const UNKNOWN_SIZE = 0xffffffff;

interface Member {
  key: string;
  chunks: Uint8Array[];
  length: number;
  bound: number;
  headerChecked: boolean;
  /** Bytes charged to the budget for the inflated member itself. */
  charged: number;
  done: boolean;
}

function memberName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}

/** `budget` (when given) is charged for every inflated member and every array before either is allocated. */
export function parseNpz(bytes: Uint8Array, location: string, budget?: MemoryBudget): Record<string, NdArray> {
  const members: Member[] = [];
  let failure: Error | null = null;
  const fail = (error: unknown, file: UnzipFile) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    file.terminate();
  };
  const unzip = new Unzip((file) => {
    if (!file.name.endsWith('.npy')) return; // never started: its data is skipped, not inflated
    const key = file.name.slice(0, -'.npy'.length);
    const at = `${location}[${memberName(key)}]`;
    const declared =
      file.originalSize !== undefined && file.originalSize !== UNKNOWN_SIZE ? file.originalSize : Infinity;
    const m: Member = { key, chunks: [], length: 0, bound: declared, headerChecked: false, charged: 0, done: false };
    members.push(m);
    try {
      if (Number.isFinite(declared))
        budget?.take(declared, `member '${memberName(file.name)}' (${formatBytes(declared)} once inflated)`, at);
      m.charged = Number.isFinite(declared) ? declared : 0;
    } catch (error) {
      return fail(error, file);
    }
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error)
        return fail(
          new DataError(
            `member '${memberName(file.name)}' cannot be inflated (${error.message})`,
            'data-corrupt',
            location,
          ),
          file,
        );
      m.length += chunk.length;
      m.chunks.push(chunk);
      try {
        if (!m.headerChecked) {
          const header = readNpyHeader(m.chunks.length === 1 ? chunk : concatBytes(m.chunks, m.length), at);
          if (header) {
            m.headerChecked = true;
            if (header.totalBytes < m.bound) m.bound = header.totalBytes;
            if (!m.charged) {
              budget?.take(
                header.totalBytes,
                `member '${memberName(file.name)}' (shape ${formatShape(header.shape)}, ${formatBytes(header.totalBytes)} once inflated)`,
                at,
              );
              m.charged = header.totalBytes;
            }
          }
        }
        if (m.length > m.bound) {
          throw new DataError(
            `member '${memberName(file.name)}' inflates to more than the ${formatBytes(m.bound)} its ${Number.isFinite(declared) && m.bound === declared ? 'zip entry' : '.npy header'} declares: the archive is corrupt or a zip bomb`,
            'data-corrupt',
            location,
          );
        }
      } catch (failed) {
        return fail(failed, file);
      }
      if (final) m.done = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !failure; at += STEP)
      unzip.push(bytes.subarray(at, at + STEP), at + STEP >= bytes.length);
    if (bytes.length === 0) unzip.push(bytes, true);
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure) {
    if (failure instanceof DataError) throw failure;
    throw new DataError(`corrupt .npz archive (${failure.message})`, 'data-corrupt', location);
  }
  const out: Record<string, NdArray> = {};
  for (const m of members) {
    if (!m.done)
      throw new DataError(
        `corrupt .npz archive: member '${memberName(m.key)}.npy' ends early`,
        'data-corrupt',
        location,
      );
    const at = `${location}[${memberName(m.key)}]`;
    out[m.key] = parseNpy(concatBytes(m.chunks, m.length), at, budget);
    m.chunks = [];
    budget?.release(m.charged); // the inflated bytes are garbage once parsed
  }
  if (Object.keys(out).length === 0)
    throw new DataError('the .npz archive holds no .npy arrays', 'data-corrupt', location);
  return out;
}
