/**
 * A TensorFlow C library MaskLens can run on: a folder holding libtensorflow_cc.so.2 and
 * libtensorflow_framework.so.2, the two libraries tfjs-node's binding is linked against (their
 * SONAMEs). The TensorFlow wheels on PyPI carry exactly these in their `tensorflow/` folder, so a
 * Python environment with TensorFlow installed, or a downloaded wheel, provides one. Its version
 * comes from the wheel's metadata (`<name>-<version>.dist-info/METADATA`) beside that folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { refusedTensorFlowVersion } from '../core/tensorflowVersions';

export const LIBRARY_FILES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'] as const;

/** How a library was found, in the order MaskLens looks. */
export type LibrarySource = 'option' | 'setting' | 'development' | 'python' | 'cache' | 'download';

export interface TensorFlowLibrary {
  /** The folder holding the two libraries. */
  dir: string;
  /** The TensorFlow version its package metadata names; null where no metadata is beside it. */
  version: string | null;
  source: LibrarySource;
  /** Where it came from, for messages and results: "the Python environment /home/me/.venv". */
  origin: string;
}

/** The distributions whose wheels carry TensorFlow's C library in `tensorflow/`. */
const TENSORFLOW_DIST_INFO =
  /^(tensorflow|tensorflow_cpu|tensorflow_intel|tensorflow_gpu|tf_nightly|tf_nightly_cpu)-([^-]+)\.dist-info$/i;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Which of the two libraries `dir` lacks. */
export async function missingLibraryFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const name of LIBRARY_FILES) if (!(await isFile(join(dir, name)))) missing.push(name);
  return missing;
}

/** The `Version:` header of a wheel's METADATA text. */
export function metadataVersion(metadata: string): string | null {
  return /^Version:\s*(\S+)\s*$/m.exec(metadata)?.[1] ?? null;
}

/**
 * The version of the TensorFlow whose `tensorflow/` folder is `dir`, from the dist-info folder
 * installed beside it (site-packages), or from a METADATA file inside it (MaskLens' cache).
 */
export async function libraryVersion(dir: string): Promise<string | null> {
  try {
    return metadataVersion(await readFile(join(dir, 'METADATA'), 'utf8'));
  } catch {
    // not one of MaskLens' cache folders: look beside it
  }
  if (basename(dir) !== 'tensorflow') return null;
  let entries: string[];
  try {
    entries = await readdir(dirname(dir));
  } catch {
    return null;
  }
  for (const entry of entries.filter((e) => TENSORFLOW_DIST_INFO.test(e)).sort()) {
    try {
      const version = metadataVersion(await readFile(join(dirname(dir), entry, 'METADATA'), 'utf8'));
      if (version) return version;
    } catch {
      // a dist-info folder without METADATA is broken; try the next
    }
  }
  return null;
}

/** A refused candidate: `absent` when neither library is there at all (nothing worth a word). */
export type Checked = { ok: true; library: TensorFlowLibrary } | { ok: false; absent: boolean; reason: string };

/**
 * Checks a candidate folder: both files present, and a version in the accepted range. A folder
 * whose version cannot be read is accepted only when the user named it (option or setting) or
 * it is the one a development build was made with: the worker checks the version the library
 * itself reports before running anything on it.
 */
export async function checkLibrary(dir: string, source: LibrarySource, origin: string): Promise<Checked> {
  const missing = await missingLibraryFiles(dir);
  if (missing.length > 0) {
    return {
      ok: false,
      absent: missing.length === LIBRARY_FILES.length,
      reason: `${dir} holds no ${missing.join(' and no ')} (a TensorFlow wheel's tensorflow/ folder holds both)`,
    };
  }
  const version = await libraryVersion(dir);
  if (version === null && source !== 'option' && source !== 'setting' && source !== 'development') {
    return {
      ok: false,
      absent: false,
      reason: `${dir} has no TensorFlow package metadata beside it, so its version is unknown`,
    };
  }
  const refused = version === null ? null : refusedTensorFlowVersion(version);
  if (refused) return { ok: false, absent: false, reason: `${refused}: ${dir}` };
  return { ok: true, library: { dir, version, source, origin } };
}
