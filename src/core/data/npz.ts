/**
 * NumPy `.npz` archives (plain or compressed zip of `.npy` members), unpacked with fflate's
 * streaming Unzip (boundedUnzip.ts). An archive is untrusted: a member may inflate to a thousand times its
 * compressed size, or claim one size and inflate to another. So each member is inflated in
 * small steps with a hard bound — its declared size, then the size its own .npy header
 * declares, whichever is smaller — and the memory budget is charged from the header before
 * the values exist.
 */
import { formatShape } from '../format';
import type { NdArray } from '../runtime/array';
import { formatBytes, type MemoryBudget } from '../runtime/memory';
import { shortName, unzipBounded } from './boundedUnzip';
import { concatBytes } from './bytes';
import { DataError } from './errors';
import { parseNpy, readNpyHeader } from './npy';

/** `budget` (when given) is charged for every inflated member and every array before either is allocated. */
export function parseNpz(bytes: Uint8Array, location: string, budget?: MemoryBudget): Record<string, NdArray> {
  // Bytes charged for each member's inflated bytes, and whether its .npy header was read.
  const charged = new Map<string, number>();
  const headerRead = new Set<string>();
  const keyOf = (name: string) => name.slice(0, -'.npy'.length);
  const members = unzipBounded(bytes, location, '.npz', {
    admit(name, declared) {
      if (!name.endsWith('.npy')) return null;
      if (Number.isFinite(declared)) {
        budget?.take(
          declared,
          `member '${shortName(name)}' (${formatBytes(declared)} once inflated)`,
          `${location}[${shortName(keyOf(name))}]`,
        );
        charged.set(name, declared);
      }
      return declared;
    },
    check(m) {
      if (headerRead.has(m.name)) return;
      const at = `${location}[${shortName(keyOf(m.name))}]`;
      const header = readNpyHeader(m.chunks.length === 1 ? m.chunks[0] : concatBytes(m.chunks, m.length), at);
      if (!header) return;
      headerRead.add(m.name);
      // The member's own header bounds it too: a zip entry that declares no size is measured by it.
      if (header.totalBytes < m.bound) m.bound = header.totalBytes;
      if (!charged.has(m.name)) {
        budget?.take(
          header.totalBytes,
          `member '${shortName(m.name)}' (shape ${formatShape(header.shape)}, ${formatBytes(header.totalBytes)} once inflated)`,
          at,
        );
        charged.set(m.name, header.totalBytes);
      }
    },
    overflow: (m) =>
      `the ${formatBytes(m.bound)} its ${Number.isFinite(m.declared) && m.bound === m.declared ? 'zip entry' : '.npy header'} declares: the archive is corrupt or a zip bomb`,
  });
  const out: Record<string, NdArray> = {};
  for (const m of members) {
    const key = keyOf(m.name);
    if (!m.done)
      throw new DataError(`corrupt .npz archive: member '${shortName(key)}.npy' ends early`, 'data-corrupt', location);
    out[key] = parseNpy(concatBytes(m.chunks, m.length), `${location}[${shortName(key)}]`, budget);
    m.chunks = [];
    budget?.release(charged.get(m.name) ?? 0); // the inflated bytes are garbage once parsed
  }
  if (Object.keys(out).length === 0)
    throw new DataError('the .npz archive holds no .npy arrays', 'data-corrupt', location);
  return out;
}
