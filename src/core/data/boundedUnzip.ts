/**
 * Unzipping an untrusted archive held in memory (`.npz` data, `.keras` models) with fflate's
 * streaming Unzip: the compressed bytes are pushed in small steps and each member's inflated
 * length is checked against its bound after every chunk, so a member that lies about its size
 * (a zip bomb) stops within one step of passing it. Members the caller does not admit are never
 * started: fflate skips their data without inflating it.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { DataError } from './errors';

/** Compressed bytes handed to the inflater at a time: at most ~1,000× that comes out before the bound is checked again. */
const STEP = 16 * 1024;
/** Zip's "size unknown, look in the zip64 extra field" marker, which fflate passes on as a size. */
const UNKNOWN_SIZE = 0xffffffff;

export interface InflatingMember {
  name: string;
  chunks: Uint8Array[];
  length: number;
  /** The size its zip entry declares (Infinity when it declares none). */
  declared: number;
  /** The most it may inflate to; `check` may lower it as it learns more. */
  bound: number;
  done: boolean;
}

export interface UnzipRules {
  /** The member's bound, or null to skip it; may throw (e.g. the memory budget refusing its declared size). */
  admit(name: string, declared: number): number | null;
  /** After each inflated chunk: may lower `bound` (from the member's own header) or throw. */
  check?(member: InflatingMember): void;
  /** Why a member that passed its bound is refused ("the 4 KiB its zip entry declares: …"). */
  overflow(member: InflatingMember): string;
}

/** The admitted members in archive order; `kind` names the archive in messages ("corrupt .npz archive (…)"). */
export function unzipBounded(bytes: Uint8Array, location: string, kind: string, rules: UnzipRules): InflatingMember[] {
  const members: InflatingMember[] = [];
  let failure: Error | null = null;
  const fail = (error: unknown, file: UnzipFile) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    file.terminate();
  };
  const unzip = new Unzip((file) => {
    const declared =
      file.originalSize !== undefined && file.originalSize !== UNKNOWN_SIZE ? file.originalSize : Infinity;
    let bound: number | null;
    try {
      bound = rules.admit(file.name, declared);
    } catch (error) {
      return fail(error, file);
    }
    if (bound === null) return; // never started: its data is skipped, not inflated
    const m: InflatingMember = { name: file.name, chunks: [], length: 0, declared, bound, done: false };
    members.push(m);
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error)
        return fail(
          new DataError(
            `member '${shortName(file.name)}' cannot be inflated (${error.message})`,
            'data-corrupt',
            location,
          ),
          file,
        );
      m.length += chunk.length;
      m.chunks.push(chunk);
      try {
        rules.check?.(m);
        if (m.length > m.bound)
          throw new DataError(
            `member '${shortName(file.name)}' inflates to more than ${rules.overflow(m)}`,
            'data-corrupt',
            location,
          );
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
    throw new DataError(`corrupt ${kind} archive (${failure.message})`, 'data-corrupt', location);
  }
  return members;
}

/** A member's name as messages quote it: long names cut, so a hostile one cannot fill the message. */
export function shortName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}
