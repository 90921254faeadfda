/**
 * The weights files a source names for a model (`model.save('model.keras')`,
 * `load_weights`, `ModelCheckpoint`, `load_model`) that exist: what evaluate offers. Keras
 * resolves a relative path against the directory the script runs in, which MaskLens cannot
 * know; the source file's folder and the workspace folder are where scripts usually run.
 */
import * as path from 'node:path';

export interface WeightFileMention {
  path: string;
  how: 'load_model' | 'load_weights' | 'save' | 'save_weights' | 'ModelCheckpoint';
  /** 1-based. */
  line: number;
}

export interface WeightFileCandidate {
  /** Absolute. */
  file: string;
  mention: WeightFileMention;
  /** "model.keras (model.save at line 30)". */
  label: string;
}

const CALLS: Record<WeightFileMention['how'], string> = {
  load_model: 'load_model',
  load_weights: 'load_weights',
  save: 'save',
  save_weights: 'save_weights',
  ModelCheckpoint: 'ModelCheckpoint',
};

/** The formats MaskLens reads; a TensorFlow checkpoint prefix or SavedModel folder is none of them. */
export function isReadableWeightsPath(file: string): boolean {
  return /\.(keras|h5|hdf5)$/i.test(file);
}

/**
 * Existing files among `mentions`, each once (first mention wins), tried under `folders` in
 * order. Paths Keras formats at run time (`weights.{epoch:02d}.h5`) name no single file and
 * are left out.
 */
export function weightFileCandidates(
  mentions: readonly WeightFileMention[],
  folders: readonly string[],
  exists: (file: string) => boolean,
): WeightFileCandidate[] {
  const out: WeightFileCandidate[] = [];
  for (const m of mentions) {
    if (m.path.includes('{') || !isReadableWeightsPath(m.path)) continue;
    const tries = path.isAbsolute(m.path) ? [m.path] : folders.map((f) => path.join(f, m.path));
    const file = tries.find((t) => exists(t));
    if (!file || out.some((c) => c.file === file)) continue;
    out.push({ file, mention: m, label: `${m.path} (${CALLS[m.how]} at line ${m.line})` });
  }
  return out;
}
