/**
 * The corpus' own consistency, checked on every test run (the goldens are only regenerated
 * by hand): each runnable copy keeps its corpus file's code (the rule of runnable_check.py),
 * and each golden was made from the files as they are now (corpus.py's digest).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { type Golden, REALWORLD, ROOT } from './goldens';

const OPEN = '# <<<';
const CLOSE = '# >>>';

/** Lines outside the fenced blocks, with their 1-based numbers; throws on unbalanced fences. */
export function keptLines(runnable: string): { line: number; text: string }[] {
  const kept: { line: number; text: string }[] = [];
  let openedAt = 0;
  runnable.split(/\r?\n/).forEach((text, i) => {
    const stripped = text.trim();
    if (stripped.startsWith(OPEN)) {
      if (openedAt) throw new Error(`line ${i + 1}: a block opens inside the block opened at line ${openedAt}`);
      openedAt = i + 1;
    } else if (stripped === CLOSE) {
      if (!openedAt) throw new Error(`line ${i + 1}: '${CLOSE}' closes no block`);
      openedAt = 0;
    } else if (!openedAt) kept.push({ line: i + 1, text });
  });
  if (openedAt) throw new Error(`the block opened at line ${openedAt} is never closed`);
  return kept;
}

/** Null when every kept line of the runnable copy is a line of the source, in order; else the first problem. */
export function runnableProblem(source: string, runnable: string): string | null {
  let kept: { line: number; text: string }[];
  try {
    kept = keptLines(runnable);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const lines = source.split(/\r?\n/);
  let i = 0;
  for (const { line, text } of kept) {
    while (i < lines.length && lines[i] !== text) i++;
    if (i === lines.length)
      return `line ${line} is neither in a fenced block nor (in order) in the corpus file: ${JSON.stringify(text.trim().slice(0, 100))}`;
    i++;
  }
  return null;
}

function pythonFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return pythonFiles(path);
    return name.endsWith('.py') ? [path] : [];
  });
}

/** The files a corpus entry consists of, as corpus.py's entry_files lists them. */
export function entryFiles(golden: Golden, stem: string): string[] {
  const entry = join(ROOT, golden.file);
  if (relative(join(REALWORLD, 'sources'), dirname(entry)) !== stem) return [entry];
  // Python's sorted() over full paths: plain code-point order.
  return pythonFiles(dirname(entry)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** corpus.py's digest: sha256 over each file's repository-relative name and bytes. */
export function digest(paths: string[]): string {
  const h = createHash('sha256');
  for (const path of paths) {
    h.update(`${relative(ROOT, path).split(sep).join('/')}\0`);
    h.update(readFileSync(path));
    h.update('\0');
  }
  return h.digest('hex');
}
