/**
 * `.keras` archives: a zip holding `config.json` (the model's config, as `model.to_json()`
 * writes it), `metadata.json` (the Keras version that saved it) and `model.weights.h5`.
 * The archive is untrusted, like an `.npz`: members are inflated with fflate's streaming
 * Unzip in small steps (boundedUnzip.ts), each bounded by the size its zip entry declares and charged to the
 * memory budget before it is inflated, so a zip bomb stops as soon as it lies.
 */
import { formatBytes, type MemoryBudget } from '../runtime/memory';
import { concatBytes } from '../data/bytes';
import { DataError } from '../data/errors';
import { type InflatingMember, unzipBounded } from '../data/boundedUnzip';

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

export function readKerasArchive(
  bytes: Uint8Array,
  location: string,
  options: { withWeights: boolean; budget?: MemoryBudget },
): KerasArchive {
  if (!isZip(bytes)) throw new DataError('is not a .keras archive (not a zip file)', 'data-format', location);
  let charged = 0;
  const seen = new Set<string>();
  let members: InflatingMember[];
  try {
    members = unzipBounded(bytes, location, '.keras', {
      admit(name, declared) {
        const kind = WANTED[name];
        if (!kind || (kind === 'weights' && !options.withWeights) || seen.has(name)) return null;
        seen.add(name);
        if (kind === 'text') return Math.min(declared, TEXT_BOUND);
        if (!Number.isFinite(declared))
          throw new DataError(`member '${name}' does not declare its size`, 'data-corrupt', location);
        options.budget?.take(declared, `member '${name}' (${formatBytes(declared)} once inflated)`, location);
        charged = declared;
        return declared;
      },
      overflow: (m) =>
        m.bound === m.declared
          ? `the ${formatBytes(m.bound)} its zip entry declares: the archive is corrupt or a zip bomb`
          : `${formatBytes(TEXT_BOUND)}, more than any model config`,
    });
  } catch (error) {
    options.budget?.release(charged);
    throw error;
  }
  const byName = new Map(members.map((m) => [m.name, m]));
  const releaseAll = () => options.budget?.release(charged);
  const text = (name: string): string | null => {
    const m = byName.get(name);
    if (!m) return null;
    if (!m.done) throw new DataError(`corrupt .keras archive: member '${name}' ends early`, 'data-corrupt', location);
    return new TextDecoder().decode(concatBytes(m.chunks, m.length));
  };
  try {
    const config = text('config.json');
    if (config === null)
      throw new DataError('is not a Keras model archive: it holds no config.json', 'data-format', location);
    const w = byName.get(WEIGHTS_MEMBER);
    if (w && !w.done)
      throw new DataError(`corrupt .keras archive: member '${WEIGHTS_MEMBER}' ends early`, 'data-corrupt', location);
    return { config, metadata: text('metadata.json'), weights: w ? concatBytes(w.chunks, w.length) : null, charged };
  } catch (error) {
    releaseAll();
    throw error;
  }
}
