/**
 * The user's modules as the reader may read them (core/objects/modules.ts): Python files on
 * disk, within the import roots when the workspace is not trusted (VS Code's Restricted Mode),
 * no larger than the reader follows. The analysis process and the CLI both use it.
 */
import { realpathSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { MODULE_LIMITS, type ModuleFiles } from '../core/objects/modules';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `roots`: the workspace folders; `insideRootsOnly`: read nothing outside them. */
export function workspaceModules(roots: readonly string[], insideRootsOnly: boolean): ModuleFiles {
  const realRoots = insideRootsOnly ? roots.flatMap((r) => {
    try {
      return [realpathSync(r)];
    } catch {
      return [];
    }
  }) : [];
  return {
    roots,
    read(path: string): string | null {
      if (!path.endsWith('.py')) return null;
      try {
        const stat = statSync(path);
        // Characters are at most bytes: a file larger than the reader follows is not read at all.
        if (!stat.isFile() || stat.size > MODULE_LIMITS.chars * 4) return null;
        if (insideRootsOnly && !realRoots.some((r) => inside(r, realpathSync(path)))) return null;
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
  };
}
