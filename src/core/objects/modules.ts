/**
 * The user's own modules, as the reader may see them. The reader never touches the file
 * system: whoever runs it (the analysis process, the CLI, the tests) says which files it may
 * read, the way the Evaluator hands the stubs the interpreter. The analyzer adds the parser.
 */
import type { Syntax } from '../python/syntax';

/** What the caller lets the reader read. */
export interface ModuleFiles {
  /**
   * The text of the Python file at this absolute path, or null when there is none, it is too
   * large, or it may not be read (in VS Code's Restricted Mode: anything outside the workspace).
   */
  read(path: string): string | null;
  /** Import roots besides the importing file's own folder and its package root: the workspace folders. */
  roots: readonly string[];
}

/** The files and a parser for them: what the reader follows imports with. */
export interface ModuleSources extends ModuleFiles {
  /** The syntax tree of a module's text (the analyzer owns it and frees it after the reading). */
  parse(text: string): Syntax | null;
}

/** How far the reader follows imports: chains, modules per file, and a module's size. */
export const MODULE_LIMITS = { depth: 8, modules: 48, chars: 500_000 } as const;
