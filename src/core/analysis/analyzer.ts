/**
 * The analyzer: loads the grammar once (async), then analyses text synchronously. It keeps
 * the last syntax tree per file and re-parses edits incrementally (tree-sitter reuses the
 * unchanged parts), which is what keeps re-analysis on every keystroke cheap.
 *
 * `analyze` never throws on user input: a bug in MaskLens itself becomes one
 * `internal-error` diagnostic instead of a failed command.
 */
import type { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import type { KerasFamily } from '../ir';
import { FAMILIES } from '../masking/registry';
import { topLevelChunks } from '../python/chunks';
import { parseTree } from '../python/parse';
import { loadPythonParser, type GrammarPaths } from '../python/syntax';
import { analyzeParsed, type FileAnalysis } from './analyze';
import { verdictLabel } from './diagnostics';

export interface AnalyzeOptions {
  file: string;
  family?: KerasFamily;
  /** Keras version whose rules apply; default: the family's reference version. */
  kerasVersion?: string;
  /** Values for dimensions the source leaves open (`{"timesteps": 362}`). */
  dimensions?: Record<string, number>;
}

export interface Analyzer {
  analyze(text: string, options: AnalyzeOptions): FileAnalysis;
  /** Forget a file's cached tree (closed document). */
  forget(file: string): void;
  dispose(): void;
}

const CACHE_SIZE = 16;

function pointAt(text: string, index: number): Point {
  let row = 0;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    last = i;
  }
  return { row, column: index - last - 1 };
}

/** The single edit turning `before` into `after` (common prefix and suffix kept). */
export function diffEdit(before: string, after: string): Edit | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  const oldEnd = before.length - end;
  const newEnd = after.length - end;
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: pointAt(after, newEnd),
  };
}

export function createAnalyzerFromParser(parser: Parser): Analyzer {
  const cache = new Map<string, { text: string; tree: Tree }>();

  const parse = (file: string, text: string): Tree => {
    const cached = cache.get(file);
    let tree: Tree | null = null;
    if (cached) {
      cache.delete(file);
      const edit = diffEdit(cached.text, text);
      if (!edit) tree = cached.tree;
      else {
        cached.tree.edit(edit);
        tree = parser.parse(text, cached.tree);
        cached.tree.delete();
      }
    }
    tree ??= parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    cache.set(file, { text, tree });
    while (cache.size > CACHE_SIZE) {
      const [oldest, entry] = cache.entries().next().value as [string, { text: string; tree: Tree }];
      entry.tree.delete();
      cache.delete(oldest);
    }
    return tree;
  };

  return {
    analyze(text: string, options: AnalyzeOptions): FileAnalysis {
      const family = options.family ?? 'keras3';
      const kerasVersion = options.kerasVersion ?? FAMILIES[family].referenceVersion;
      const pieces: Tree[] = [];
      try {
        const tree = parse(options.file, text);
        let roots = [tree.rootNode];
        if (tree.rootNode.hasError) {
          // One unclosed bracket can swallow the rest of the file: read statement by statement.
          const chunks = topLevelChunks(text);
          if (chunks.length > 1) {
            for (const range of chunks) {
              const piece = parser.parse(text, null, { includedRanges: [range] });
              if (piece) pieces.push(piece);
            }
            roots = pieces.map((p) => p.rootNode);
          }
        }
        const result = parseTree(roots, text, { file: options.file, family, kerasVersion, dimensions: options.dimensions });
        return analyzeParsed(result, family, kerasVersion);
      } catch (error) {
        cache.delete(options.file);
        const message = error instanceof Error ? error.message : String(error);
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        const diagnostics = [{ code: 'internal-error', severity: 'error' as const, message: `MaskLens failed to analyse this file: ${message}`, range }];
        return { file: options.file, family, kerasVersion, keras: verdictLabel(family, kerasVersion), models: [], diagnostics, ir: { file: options.file, models: [], diagnostics }, inlineData: {} };
      } finally {
        for (const p of pieces) p.delete();
      }
    },
    forget(file: string): void {
      cache.get(file)?.tree.delete();
      cache.delete(file);
    },
    dispose(): void {
      for (const entry of cache.values()) entry.tree.delete();
      cache.clear();
      parser.delete();
    },
  };
}

/** Loads web-tree-sitter and the Python grammar (default paths: node_modules; bundles pass dist/ paths). */
export async function createAnalyzer(paths: GrammarPaths = {}): Promise<Analyzer> {
  return createAnalyzerFromParser(await loadPythonParser(paths));
}
