/**
 * The analyzer: loads the grammar once (async), then analyses text synchronously. It keeps
 * the last syntax tree per file and re-parses edits incrementally (tree-sitter reuses the
 * unchanged parts), which is what keeps re-analysis on every keystroke cheap.
 *
 * `analyze` never throws on user input: a bug in MaskLens itself becomes one
 * `internal-error` diagnostic instead of a failed command. It throws only `AnalysisStopped`,
 * when the caller's `shouldStop` asked it to give up.
 */
import type { Edit, Parser, Point, Range as TsRange, Tree } from 'web-tree-sitter';
import type { KerasFamily } from '../ir';
import { FAMILIES } from '../masking/registry';
import { topLevelChunks } from '../python/chunks';
import { blankForParsing, parseBlanked } from '../python/blanking';
import { AnalysisStopped } from '../objects/context';
import { parseTree } from '../reader/parse';
import { loadPythonParser, type GrammarPaths, type Syntax } from '../python/syntax';
import { syntaxErrors, withSyntaxErrors } from './syntaxErrors';
import type { ModuleFiles } from '../objects/modules';
import { analyzeParsed, type FileAnalysis } from './analyze';
import { verdictLabel } from './diagnostics';

export interface AnalyzeOptions {
  file: string;
  family?: KerasFamily;
  /** Keras version whose rules apply; default: the family's reference version. */
  kerasVersion?: string;
  /** Values for dimensions the source leaves open (`{"timesteps": 362}`). */
  dimensions?: Record<string, number>;
  /** Asked now and then while the file is read; true abandons the analysis (`AnalysisStopped` is thrown). */
  shouldStop?: () => boolean;
  /** The user's own modules the reader may follow imports into (the caller decides which files it may read). */
  modules?: ModuleFiles;
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
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end))
    end++;
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
  /** Imported modules' trees by text: an unchanged module is not parsed again on the next keystroke. */
  const moduleTrees = new Map<string, Tree>();

  const moduleTree = (text: string): Syntax | null => {
    const known = moduleTrees.get(text);
    if (known) {
      moduleTrees.delete(text);
      moduleTrees.set(text, known);
      return known.rootNode;
    }
    let parsed: Tree | null = null;
    try {
      parsed = parseBlanked(blankForParsing(text, { numbers: false }), (t) => {
        const tree = parser.parse(t);
        if (!tree) throw new Error('tree-sitter returned no tree');
        return tree;
      }).tree;
    } catch {
      return null;
    }
    moduleTrees.set(text, parsed);
    return parsed.rootNode;
  };
  /** Between readings only: a reading still holds the nodes of every module it read. */
  const trimModuleTrees = (): void => {
    while (moduleTrees.size > CACHE_SIZE * 2) {
      const [oldest, entry] = moduleTrees.entries().next().value as [string, Tree];
      entry.delete();
      moduleTrees.delete(oldest);
    }
  };

  /**
   * A parse that asks `shouldStop` as it goes: web-tree-sitter stops when its progress callback
   * returns true (though its typings say void). A stopped parser would resume that parse on its
   * next call, whatever the text, so it is reset.
   */
  const parseText = (
    text: string,
    old: Tree | null,
    shouldStop: (() => boolean) | undefined,
    includedRanges?: TsRange[],
  ): Tree => {
    const tree = parser.parse(text, old, { includedRanges, progressCallback: shouldStop && (() => shouldStop()) });
    if (tree) return tree;
    parser.reset();
    if (shouldStop?.()) throw new AnalysisStopped();
    throw new Error('tree-sitter returned no tree');
  };

  /**
   * The file's tree, re-parsed incrementally from the file's last tree without syntax errors.
   * While a statement is half typed (`m = Model(x, ` with its bracket still open) the tree has
   * an error that swallows the rest of the file; parsing the next keystroke from that tree would
   * re-read everything after it, so a tree with errors is used for its own analysis only and the
   * last good one stays the base (a file that never parsed cleanly keeps its newest tree). Returns
   * the tree, whether the caller must delete it, and the text it was parsed from: the file with
   * its long comment runs and number literals blanked (python/blanking.ts), positions unchanged.
   */
  const parse = (
    file: string,
    original: string,
    shouldStop: (() => boolean) | undefined,
  ): { tree: Tree; owned: boolean; text: string } => {
    const source = blankForParsing(original);
    const cached = cache.get(file);
    if (cached) cache.delete(file); // re-inserted below: the map's order is least recently used first
    const edit = cached ? diffEdit(cached.text, source.text) : null;
    if (cached && !edit) {
      cache.set(file, cached);
      return { tree: cached.tree, owned: false, text: cached.text };
    }
    const base = cached && edit ? cached.tree.copy() : null;
    if (base && edit) base.edit(edit);
    let tree: Tree;
    let text: string;
    try {
      // The old tree is a base for the blanked text only: a run put back changes text outside the edit.
      ({ tree, text } = parseBlanked(source, (t) => parseText(t, t === source.text ? base : null, shouldStop)));
    } catch (error) {
      if (cached) cache.set(file, cached);
      throw error;
    } finally {
      base?.delete();
    }
    if (cached && tree.rootNode.hasError && !cached.tree.rootNode.hasError) {
      cache.set(file, cached);
      return { tree, owned: true, text };
    }
    cached?.tree.delete();
    cache.set(file, { text, tree });
    while (cache.size > CACHE_SIZE) {
      const [oldest, entry] = cache.entries().next().value as [string, { text: string; tree: Tree }];
      entry.tree.delete();
      cache.delete(oldest);
    }
    return { tree, owned: false, text };
  };

  return {
    analyze(text: string, options: AnalyzeOptions): FileAnalysis {
      const family = options.family ?? 'keras3';
      const kerasVersion = options.kerasVersion ?? FAMILIES[family].referenceVersion;
      const pieces: Tree[] = [];
      try {
        const { tree, owned, text: parsedText } = parse(options.file, text, options.shouldStop);
        if (owned) pieces.push(tree);
        let roots = [tree.rootNode];
        if (tree.rootNode.hasError) {
          // One unclosed bracket can swallow the rest of the file: read statement by statement.
          const chunks = topLevelChunks(text);
          if (chunks.length > 1) {
            for (const range of chunks) {
              if (options.shouldStop?.()) throw new AnalysisStopped();
              pieces.push(parseText(parsedText, null, options.shouldStop, [range]));
            }
            roots = pieces.slice(owned ? 1 : 0).map((p) => p.rootNode);
          }
        }
        const modules = options.modules
          ? { read: options.modules.read, roots: options.modules.roots, parse: moduleTree }
          : undefined;
        const result = parseTree(roots, text, {
          file: options.file,
          family,
          kerasVersion,
          dimensions: options.dimensions,
          shouldStop: options.shouldStop,
          modules,
        });
        const analysis = analyzeParsed(result, family, kerasVersion);
        return tree.rootNode.hasError ? withSyntaxErrors(analysis, syntaxErrors(tree.rootNode)) : analysis;
      } catch (error) {
        if (error instanceof AnalysisStopped) throw error;
        cache.get(options.file)?.tree.delete();
        cache.delete(options.file);
        const message = error instanceof Error ? error.message : String(error);
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        const diagnostics = [
          {
            code: 'internal-error',
            severity: 'error' as const,
            message: `MaskLens failed to analyse this file: ${message}`,
            range,
          },
        ];
        return {
          file: options.file,
          family,
          kerasVersion,
          keras: verdictLabel(family, kerasVersion),
          models: [],
          diagnostics,
          ir: { file: options.file, models: [], diagnostics },
          inlineData: {},
          loadedData: {},
        };
      } finally {
        for (const p of pieces) p.delete();
        trimModuleTrees();
      }
    },
    forget(file: string): void {
      cache.get(file)?.tree.delete();
      cache.delete(file);
    },
    dispose(): void {
      for (const entry of cache.values()) entry.tree.delete();
      cache.clear();
      for (const tree of moduleTrees.values()) tree.delete();
      moduleTrees.clear();
      parser.delete();
    },
  };
}

/** Loads web-tree-sitter and the Python grammar (default paths: node_modules; bundles pass dist/ paths). */
export async function createAnalyzer(paths: GrammarPaths = {}): Promise<Analyzer> {
  return createAnalyzerFromParser(await loadPythonParser(paths));
}
