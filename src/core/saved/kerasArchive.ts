/**
 * `.keras` archives: a zip holding `config.json` (the model's config, as `model.to_json()`
 * writes it), `metadata.json` (the Keras version that saved it) and `model.weights.h5`.
 * The archive is untrusted, like an `.npz`: members are inflated with fflate's streaming
 * Unzip in small steps, each bounded by the size its zip entry declares and charged to the
 * memory budget before it is inflated, so a zip bomb stops as soon as it lies.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { formatBytes, type MemoryBudget } from '../runtime/memory';
import { concatBytes } from '../data/bytes';
import { DataError } from '../data/errors';

const STEP = 16 * 1024;
const UNKNOWN_SIZE = 0xffffffff;
/** `config.json` and `metadata.json` are text a person could read: a few MB at the very most. */
const TEXT_BOUND = 64 * 1024 * 1024;

export const WEIGHTS_MEMBER = 'model.weights.h5';
const WANTED: Record<string, 'text' | 'weights'> = {
  'config.json': 'text',
  'metadata.json': 'text',
  [WEIGHTS_MEMBER]: 'weights',
};

export interface KerasArchive {
  /** `config.json`'s text. */
  config: string;
  /** `metadata.json`'s text, when present. */
  metadata: string | null;
  /** `model.weights.h5`'s bytes; null when `withWeights` was false or the archive holds none. */
  weights: Uint8Array | null;
  /** Bytes charged to the budget for `weights`; the caller releases them once it has read them. */
  charged: number;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

interface Member {
  chunks: Uint8Array[];
  length: number;
  bound: number;
  done: boolean;
}

export function readKerasArchive(
  bytes: Uint8Array,
  location: string,
  options: { withWeights: boolean; budget?: MemoryBudget },
): KerasArchive {
  if (!isZip(bytes)) throw new DataError('is not a .keras archive (not a zip file)', 'data-format', location);
  const members = new Map<string, Member>();
  let charged = 0;
  let failure: Error | null = null;
  const fail = (error: unknown, file: UnzipFile) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    file.terminate();
  };
  const unzip = new Unzip((file) => {
    const kind = WANTED[file.name];
    if (!kind || (kind === 'weights' && !options.withWeights) || members.has(file.name)) return; // never started: skipped, not inflated
    const declared =
      file.originalSize !== undefined && file.originalSize !== UNKNOWN_SIZE ? file.originalSize : Infinity;
    const bound = kind === 'text' ? Math.min(declared, TEXT_BOUND) : declared;
    const m: Member = { chunks: [], length: 0, bound, done: false };
    members.set(file.name, m);
    try {
      if (kind === 'weights') {
        if (!Number.isFinite(declared))
          throw new DataError(`member '${file.name}' does not declare its size`, 'data-corrupt', location);
        options.budget?.take(declared, `member '${file.name}' (${formatBytes(declared)} once inflated)`, location);
        charged = declared;
      }
    } catch (error) {
      return fail(error, file);
    }
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error)
        return fail(
          new DataError(`member '${file.name}' cannot be inflated (${error.message})`, 'data-corrupt', location),
          file,
        );
      m.length += chunk.length;
      m.chunks.push(chunk);
      if (m.length > m.bound) {
        const why =
          m.bound === declared
            ? `the ${formatBytes(m.bound)} its zip entry declares: the archive is corrupt or a zip bomb`
            : `${formatBytes(TEXT_BOUND)}, more than any model config`;
        return fail(
          new DataError(`member '${file.name}' inflates to more than ${why}`, 'data-corrupt', location),
          file,
        );
      }
      if (final) m.done = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !failure; at += STEP)
      unzip.push(bytes.subarray(at, at + STEP), at + STEP >= bytes.length);
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  const releaseAll = () => options.budget?.release(charged);
  if (failure) {
    releaseAll();
    if (failure instanceof DataError) throw failure;
    throw new DataError(`corrupt .keras archive (${failure.message})`, 'data-corrupt', location);
  }
  const text = (name: string): string | null => {
    const m = members.get(name);
    if (!m) return null;
    if (!m.done) throw new DataError(`corrupt .keras archive: member '${name}' ends early`, 'data-corrupt', location);
    return new TextDecoder().decode(concatBytes(m.chunks, m.length));
  };
  try {
    const config = text('config.json');
    if (config === null)
      throw new DataError('is not a Keras model archive: it holds no config.json', 'data-format', location);
    const w = members.get(WEIGHTS_MEMBER);
    if (w && !w.done)
      throw new DataError(`corrupt .keras archive: member '${WEIGHTS_MEMBER}' ends early`, 'data-corrupt', location);
    return { config, metadata: text('metadata.json'), weights: w ? concatBytes(w.chunks, w.length) : null, charged };
  } catch (error) {
    releaseAll();
    throw error;
  }
}
