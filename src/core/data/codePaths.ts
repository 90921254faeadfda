/**
 * Where the data files a model's code loads are: Python resolves a relative path against the
 * directory it runs in, which for a script is most often the project's root or the script's
 * own folder. Both are tried, in the order the caller gives; the first that holds every file
 * wins. Shared by the extension and the CLI, which supply the folders and the file test.
 */
import { isAbsolute, join } from 'node:path';
import type { DataSpec } from '../protocol/runtimeTasks';
import type { CodeDataFiles } from './sourceData';

export interface CodeFilesFound {
  data: Extract<DataSpec, { source: 'file' }>;
  /** "the files the code loads: np.load('data/X.npy') at line 12, …" */
  note: string;
}

export interface CodeFilesMissing {
  data: null;
  note: string;
}

/**
 * `folders`: where a relative path may start, most likely first. `usable`: whether a path is a
 * file that may be read (it exists, and in Restricted Mode lies in the workspace).
 */
export function locateCodeFiles(
  files: CodeDataFiles,
  folders: readonly string[],
  usable: (path: string) => boolean,
): CodeFilesFound | CodeFilesMissing {
  const wanted = [files.x, ...(files.y !== undefined ? [files.y] : [])];
  const starts = [...new Set(folders)];
  const candidates = wanted.some((p) => !isAbsolute(p)) ? starts : [''];
  for (const folder of candidates) {
    const at = (p: string) => (isAbsolute(p) ? p : join(folder, p));
    if (!wanted.every((p) => usable(at(p)))) continue;
    return {
      data: {
        source: 'file',
        x: at(files.x),
        ...(files.y !== undefined ? { y: at(files.y) } : {}),
        ...(files.keys ? { keys: files.keys } : {}),
      },
      note: `using the data files the code loads: ${files.description}`,
    };
  }
  const looked = candidates.filter((c) => c !== '').join(' and ');
  return {
    data: null,
    note: `the code loads ${files.description}, but ${wanted.length > 1 ? 'those files are' : 'that file is'} not there${looked ? ` (looked in ${looked})` : ''}; choose data files to use real data`,
  };
}
