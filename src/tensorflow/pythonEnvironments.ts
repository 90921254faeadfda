/**
 * Finds a TensorFlow already installed in the user's Python environments by reading the file
 * system, never by running Python: an environment's `lib/python3.X/site-packages/tensorflow/`
 * holds the C library when the TensorFlow wheel is installed there. Environments are looked at
 * in this order: the interpreters the user chose (the Python extension's selection, the
 * `python.defaultInterpreterPath` setting), the active VIRTUAL_ENV and CONDA_PREFIX, the
 * project's own `.venv`, `venv`, `env` and `.conda`, then the usual homes of virtualenvs, pyenv
 * and conda, the user site and the system's.
 */
import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkLibrary, type TensorFlowLibrary } from './library';

export interface PythonPlaces {
  /** Interpreter paths the user chose, most preferred first. */
  interpreters: readonly string[];
  /** Folders whose own environments are looked at (only trusted ones: a library is native code). */
  projectFolders: readonly string[];
  home: string;
  env: { VIRTUAL_ENV?: string; CONDA_PREFIX?: string };
}

export interface PythonSearch {
  /** Every acceptable library, in the order above. */
  found: TensorFlowLibrary[];
  /** Located sentences for TensorFlows that were found but refused (e.g. a version out of range). */
  refused: string[];
}

/** More entries than this in one folder are not looked through (a home full of projects). */
const MAX_ENTRIES = 200;

async function children(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .slice(0, MAX_ENTRIES)
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** `<prefix>/bin/python3` → `<prefix>`; the symlink is not followed, so a venv stays itself. */
export function prefixOfInterpreter(interpreter: string): string {
  const bin = dirname(interpreter);
  return basename(bin) === 'bin' ? dirname(bin) : bin;
}

const CONDA_ROOTS = ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', 'micromamba', '.conda'];

/** Environment prefixes, most preferred first (duplicates are removed later). */
async function candidatePrefixes(places: PythonPlaces): Promise<string[]> {
  const home = places.home;
  const condaRoots = [...CONDA_ROOTS.map((n) => join(home, n)), '/opt/conda'];
  const listed = async (dirs: string[]) => (await Promise.all(dirs.map(children))).flat();
  return [
    ...places.interpreters.map(prefixOfInterpreter),
    ...[places.env.VIRTUAL_ENV, places.env.CONDA_PREFIX].filter((p): p is string => !!p),
    ...places.projectFolders.flatMap((folder) => ['.venv', 'venv', 'env', '.conda'].map((name) => join(folder, name))),
    ...(await listed([
      join(home, '.virtualenvs'),
      join(home, '.local/share/virtualenvs'),
      join(home, '.pyenv/versions'),
    ])),
    ...condaRoots,
    ...(await listed(condaRoots.map((root) => join(root, 'envs')))),
    join(home, '.local'),
    '/usr/local',
    '/usr',
  ];
}

/** The folders a prefix installs packages into: lib/python3.X/{site,dist}-packages, and Debian's lib/python3/dist-packages. */
async function packageFolders(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const lib of ['lib', 'lib64']) {
    const versions = (await children(join(prefix, lib)))
      .filter((d) => /^python3(\.\d+)?$/.test(basename(d)))
      .sort()
      .reverse();
    for (const v of versions) out.push(join(v, 'site-packages'), join(v, 'dist-packages'));
  }
  return out;
}

export async function findPythonTensorFlow(places: PythonPlaces): Promise<PythonSearch> {
  const found: TensorFlowLibrary[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  for (const prefix of await candidatePrefixes(places)) {
    let real: string;
    try {
      real = await realpath(prefix);
    } catch {
      continue; // no such environment
    }
    if (seen.has(real)) continue;
    seen.add(real);
    for (const packages of await packageFolders(prefix)) {
      const dir = join(packages, 'tensorflow');
      // A venv's lib64 is a link to its lib: one environment, looked at once.
      const realDir = await realpath(dir).catch(() => null);
      if (realDir === null || seen.has(realDir)) continue;
      seen.add(realDir);
      const checked = await checkLibrary(dir, 'python', `the Python environment ${prefix}`);
      if (checked.ok) found.push(checked.library);
      else if (!checked.absent) refused.push(checked.reason);
    }
  }
  return { found, refused };
}
