/**
 * The import picture of the sources: no two files import each other, directly or around a
 * loop, except the interpreter's own recursion (an expression calls a function whose
 * statements hold expressions and assignments). ESLint orders the folders; this checks the
 * files inside them too. Imports are read with TypeScript's own pre-processor.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/** The interpreter's recursion: the one circle the sources may hold. */
const INTERPRETER_RECURSION = ['assign.ts', 'calls.ts', 'expressions.ts', 'statements.ts'].map(
  (f) => `src/core/interpreter/${f}`,
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The source files a file imports by relative path (type-only imports and re-exports included). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) => resolve(dirname(file), fileName))
    .flatMap((base) => [`${base}.ts`, join(base, 'index.ts')].filter((candidate) => existsSync(candidate)).slice(0, 1));
}

/** Groups of files that import each other around a loop (Tarjan's strongly connected components of two files or more). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1) found.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

test('no import circle in the sources but the interpreter recursion', () => {
  const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'webview'))];
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  assert.ok(graph.size > 100, `read the sources (${graph.size} files)`);
  const found = circles(graph).map((group) => group.map((file) => relative(ROOT, file)));
  assert.deepEqual(found, [INTERPRETER_RECURSION]);
});
