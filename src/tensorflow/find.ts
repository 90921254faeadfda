/**
 * Where the TensorFlow C library comes from, in order: a folder the user named (the CLI's
 * --tensorflow, the masklens.tensorflow.libraryFolder setting); the one a development build
 * links beside the binding; a TensorFlow installed in the user's Python environments; a
 * previous download in one of the caches. Downloading is the caller's next step, and only with
 * the user's consent; without a library, tasks run on the pure-JS backend and say why.
 */
import { join } from 'node:path';
import { findCachedTensorFlow } from './cache';
import { checkLibrary, type TensorFlowLibrary } from './library';
import { findPythonTensorFlow, type PythonPlaces } from './pythonEnvironments';

export interface FindOptions {
  /** A folder the user named; when it cannot serve, nothing else is tried in its place. */
  named?: { dir: string; source: 'option' | 'setting'; origin: string };
  /** The built program's folder (dist/); a development build links its library under it. */
  distDir: string;
  python: PythonPlaces;
  cacheRoots: readonly string[];
}

export interface FindResult {
  library: TensorFlowLibrary | null;
  /** Why the named folder cannot serve (then `library` is null). */
  namedRefused?: string;
  /** Located sentences on TensorFlows found and refused, for the log and the fallback warning. */
  refused: string[];
}

/** The library folder the binding's RUNPATH points at, seen from dist/ (see tools/build.mjs). */
export function developmentLibraryDir(distDir: string): string {
  return join(distDir, 'tfjs-node', 'deps', 'lib');
}

export async function findTensorFlow(options: FindOptions): Promise<FindResult> {
  if (options.named) {
    const checked = await checkLibrary(options.named.dir, options.named.source, options.named.origin);
    return checked.ok
      ? { library: checked.library, refused: [] }
      : { library: null, namedRefused: checked.reason, refused: [checked.reason] };
  }
  const development = await checkLibrary(
    developmentLibraryDir(options.distDir),
    'development',
    'the TensorFlow library this development build was made with',
  );
  if (development.ok) return { library: development.library, refused: [] };
  const python = await findPythonTensorFlow(options.python);
  if (python.found.length > 0) return { library: python.found[0], refused: python.refused };
  const cached = await findCachedTensorFlow(options.cacheRoots);
  return { library: cached.found[0] ?? null, refused: [...python.refused, ...cached.refused] };
}
