/**
 * The FILE arguments of `masklens analyze`: paths and globs (`'src/**\/*.py'`, expanded by
 * tinyglobby, so they work when the shell leaves them alone, as on Windows and in CI YAML).
 * A path that exists is taken as it is, even if it holds glob characters.
 */
import { statSync } from 'node:fs';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './options';

/** The files, in argument order, each once; a usage error for a folder or a glob that matches nothing. */
export async function expandFiles(args: readonly string[], cwd = process.cwd()): Promise<string[]> {
  if (args.length === 0) throw new UsageError('missing FILE');
  const out = new Set<string>();
  for (const arg of args) {
    let isFolder = false;
    let exists = false;
    try {
      const stat = statSync(arg);
      exists = true;
      isFolder = stat.isDirectory();
    } catch {
      // not a path: maybe a glob
    }
    if (isFolder)
      throw new UsageError(`${arg} is a folder; name files, or a glob such as '${arg.replace(/\/$/, '')}/**/*.py'`);
    if (exists || !isDynamicPattern(arg)) {
      out.add(arg); // a missing plain path is reported when it is read
      continue;
    }
    const matches = await glob(arg, {
      cwd,
      onlyFiles: true,
      expandDirectories: false,
      ignore: ['**/node_modules/**', '**/.venv/**', '**/.git/**'],
    });
    if (matches.length === 0) throw new UsageError(`no file matches ${arg}`);
    for (const m of matches.sort()) out.add(m);
  }
  return [...out];
}
