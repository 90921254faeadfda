/**
 * The user's modules as the reader may read them (core/objects/modules.ts): Python files on
 * disk, within the workspace folders when the workspace is not trusted (VS Code's Restricted
 * Mode), no larger than the reader follows. The check is the data files' one
 * (worker/fileAccess.ts): made on the file that was opened, so a path swapped for a symlink
 * between a check and the read cannot lead outside. The analysis process and the CLI use it.
 */
import { DataError } from '../core/data/errors';
import { MODULE_LIMITS, type ModuleFiles } from '../core/objects/modules';
import type { FileAccess } from '../core/protocol/runtimeTasks';
import { openForReading, readAll } from '../worker/fileAccess';

/** `roots`: the workspace folders; `insideRootsOnly`: read nothing outside them. */
export function workspaceModules(roots: readonly string[], insideRootsOnly: boolean): ModuleFiles {
  const access: FileAccess = insideRootsOnly
    ? { mode: 'restricted', roots: [...roots], picked: [] }
    : { mode: 'trusted' };
  const decoder = new TextDecoder();
  return {
    roots,
    read(path: string): string | null {
      if (!path.endsWith('.py')) return null;
      let file;
      try {
        file = openForReading(path, access, path);
      } catch (error) {
        if (error instanceof DataError) return null; // not there, not a file, or outside the workspace
        throw error;
      }
      try {
        // Characters are at most bytes: a file larger than the reader follows is not read at all.
        return file.size > MODULE_LIMITS.chars * 4 ? null : decoder.decode(readAll(file));
      } finally {
        file.close();
      }
    },
  };
}
