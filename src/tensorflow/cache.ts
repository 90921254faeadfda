/**
 * Where downloaded TensorFlow libraries are kept, and reading them back. The extension keeps
 * them in its global storage; the CLI, which has none, in the user's cache folder
 * (`$XDG_CACHE_HOME/masklens`, default `~/.cache/masklens`). Each looks in both, and in the
 * global storage of the other VS Code builds on this machine, so one download serves every
 * workspace, window and editor, and the CLI.
 *
 * A cache folder is complete only with its manifest, written last and checked on every read
 * (the kept files' sizes), so an interrupted download never counts as one.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { checkLibrary, type TensorFlowLibrary } from './library';

export const MANIFEST = 'masklens-tensorflow.json';
/** The extension's identifier (publisher.name): its global storage folder's name. */
export const EXTENSION_ID = 'masklens.masklens';

export const manifestSchema = z.object({
  version: z.string(),
  wheel: z.object({
    filename: z.string(),
    url: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().positive(),
  }),
  /** Each kept file's size in bytes. */
  files: z.record(z.string(), z.number().int().nonnegative()),
  downloadedAt: z.string(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The CLI's cache folder. */
export function userCacheRoot(home: string, env: { XDG_CACHE_HOME?: string }): string {
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'masklens', 'tensorflow');
}

/** The extension's global storage in each VS Code build's usual user-data folder on Linux. */
export function editorCacheRoots(home: string): string[] {
  const userData = [
    ...['Code', 'Code - Insiders', 'VSCodium', 'Cursor'].map((name) => join(home, '.config', name)),
    join(home, '.vscode-server', 'data'),
    join(home, '.vscode-server-insiders', 'data'),
    join(home, '.local', 'share', 'code-server'),
  ];
  return userData.map((dir) => join(dir, 'User', 'globalStorage', EXTENSION_ID, 'tensorflow'));
}

/** Every cache folder to look in: `own` (where this program downloads to) first. */
export function cacheRoots(own: string, home: string, env: { XDG_CACHE_HOME?: string }): string[] {
  return [...new Set([own, userCacheRoot(home, env), ...editorCacheRoots(home)])];
}

/** A complete cache entry's manifest, or why it is not one. */
export async function readManifest(dir: string): Promise<{ manifest: Manifest } | { reason: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
  } catch {
    return { reason: `${dir} has no readable ${MANIFEST} (an unfinished download)` };
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) return { reason: `${join(dir, MANIFEST)} is not a MaskLens manifest` };
  for (const [name, size] of Object.entries(parsed.data.files)) {
    try {
      if ((await stat(join(dir, name))).size !== size)
        return { reason: `${join(dir, name)} is not the size it was downloaded at` };
    } catch {
      return { reason: `${join(dir, name)} is missing` };
    }
  }
  return { manifest: parsed.data };
}

export interface CacheSearch {
  found: TensorFlowLibrary[];
  refused: string[];
}

/** The complete, acceptable libraries in the cache roots, newest version first within a root. */
export async function findCachedTensorFlow(roots: readonly string[]): Promise<CacheSearch> {
  const found: TensorFlowLibrary[] = [];
  const refused: string[] = [];
  for (const root of roots) {
    let entries: string[];
    try {
      entries = (await readdir(root))
        .filter((name) => name.startsWith('tensorflow-'))
        .sort()
        .reverse();
    } catch {
      continue; // no cache here
    }
    for (const name of entries) {
      const dir = join(root, name);
      const read = await readManifest(dir);
      if ('reason' in read) {
        refused.push(read.reason);
        continue;
      }
      const checked = await checkLibrary(dir, 'cache', `MaskLens' download cache ${root}`);
      if (checked.ok) found.push({ ...checked.library, version: read.manifest.version });
      else refused.push(checked.reason);
    }
  }
  return { found, refused };
}
