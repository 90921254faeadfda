/** NumPy `.npz` archives (plain or compressed zip of `.npy` members), unpacked with fflate. */
import { unzipSync } from 'fflate';
import type { NdArray } from '../runtime/array';
import { DataError } from './errors';
import { parseNpy } from './npy';

export function parseNpz(bytes: Uint8Array, location: string): Record<string, NdArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new DataError(`corrupt .npz archive (${error instanceof Error ? error.message : String(error)})`, 'data-corrupt', location);
  }
  const out: Record<string, NdArray> = {};
  for (const [name, content] of Object.entries(members)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -'.npy'.length);
    out[key] = parseNpy(content, `${location}[${key}]`);
  }
  if (Object.keys(out).length === 0) throw new DataError('the .npz archive holds no .npy arrays', 'data-corrupt', location);
  return out;
}
