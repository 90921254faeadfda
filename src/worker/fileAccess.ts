/**
 * Opening a data or weights file for reading, where the task's access allows it. In VS Code's
 * Restricted Mode a task may read only inside the workspace folders and the files the user
 * picked in a dialog. The check is made on the file that was opened, not on the path before
 * opening it: a path swapped for a symlink between a check and a read cannot lead outside.
 */
import { closeSync, fstatSync, openSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import { DataError } from '../core/data/errors';
import { isInside } from '../core/pathInside';
import type { FileAccess } from '../core/protocol/runtimeTasks';

export interface OpenFile {
  fd: number;
  size: number;
  close(): void;
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Where the opened file really is: Linux names it in /proc; elsewhere the path is resolved and must still be the same file. */
function realPathOf(fd: number, path: string, location: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    const real = realpathSync(path);
    const opened = fstatSync(fd);
    const named = statSync(real);
    if (opened.dev !== named.dev || opened.ino !== named.ino)
      throw new DataError('the file changed while it was opened; try again', 'data-access', location);
    return real;
  }
}

function allowed(real: string, access: FileAccess): boolean {
  if (access.mode === 'trusted') return true;
  if (
    access.roots.some((root) => {
      const r = realOrNull(root);
      return r !== null && isInside(r, real);
    })
  )
    return true;
  return access.picked.some((file) => realOrNull(file) === real);
}

export function openForReading(path: string, access: FileAccess, location: string): OpenFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new DataError(`file not found: ${path}`, 'data-missing', location);
  }
  const close = () => closeSync(fd);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new DataError(`not a file: ${path}`, 'data-missing', location);
    if (!allowed(realPathOf(fd, path, location), access)) {
      throw new DataError(
        'in Restricted Mode MaskLens reads data only inside the workspace folders or files you picked with Select Data Files…',
        'data-access',
        location,
      );
    }
    return { fd, size: stat.size, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The first `length` bytes of an opened file. */
export function readPrefix(file: OpenFile, length: number): Uint8Array {
  return readRange(file.fd, 0, Math.min(length, file.size));
}

/** The whole opened file. */
export function readAll(file: OpenFile): Uint8Array {
  return readRange(file.fd, 0, file.size);
}

/**
 * `length` bytes from `position`, in a buffer of their own (a reader may keep it past the next
 * read); fewer when the file ends first.
 */
export function readRange(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, length));
  let done = 0;
  while (done < out.length) {
    const n = readSync(fd, out, done, out.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return out.subarray(0, done);
}
