import { isAbsolute, relative, sep } from 'node:path';

/** Whether `path` is `root` or below it, by its text (callers resolve links first where that matters). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // `..x.npy` is a file inside; only `..` and `../…` lead out.
  return rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}
