/**
 * The Python syntax tree: tree-sitter's Python grammar through `web-tree-sitter`
 * (WebAssembly, error tolerant, no native build). Every later stage of the reader sees
 * only the small helper surface below, so the grammar's node names stay in few places.
 *
 * web-tree-sitter reports columns and indices in UTF-16 code units when it parses a JS
 * string, which is exactly how VS Code counts characters, so ranges need no conversion.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import type { Position, Range } from '../ir';

export type Syntax = Node;

export interface GrammarPaths {
  /** `tree-sitter.wasm` of web-tree-sitter (the runtime). */
  treeSitterWasm?: string;
  /** `tree-sitter-python.wasm` (the grammar). */
  pythonWasm?: string;
}

function defaultPath(file: string, specifier: string): string {
  // A bundle (dist/) ships both wasm files beside itself; from source they live in node_modules.
  const here = typeof __dirname === 'string' ? join(__dirname, file) : null;
  if (here && existsSync(here)) return here;
  const require = createRequire(join(process.cwd(), 'package.json'));
  return require.resolve(specifier);
}

let initialised: Promise<void> | null = null;

/** Loads the tree-sitter runtime once per process, then the Python grammar. */
export async function loadPythonParser(paths: GrammarPaths = {}): Promise<Parser> {
  const runtime = paths.treeSitterWasm ?? defaultPath('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
  initialised ??= Parser.init({ locateFile: () => runtime });
  await initialised;
  const language = await Language.load(
    paths.pythonWasm ?? defaultPath('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export function position(p: { row: number; column: number }): Position {
  return { line: p.row, character: p.column };
}

/**
 * Trees of the user's other modules, which the reader follows imports into. Everything the
 * reader reports is located in the file being analysed, so a node of such a tree is located at
 * the statement of that file that led to it (the import, or the call of an imported function):
 * the anchor, set while that statement runs.
 */
let foreignTrees = new WeakMap<object, Range>();
/** Whether the reading under way follows imports (most do not, and rangeOf skips the look-up). */
let following = false;
let anchor: Range | null = null;

/** Marks a module's tree as another file's; `imported`: the import statement, where its nodes are located between statements. */
export function markForeign(root: Syntax, imported: Range): void {
  foreignTrees.set(root.tree, imported);
  following = true;
}

/** After a reading: no tree is foreign any more, no anchor is set. */
export function forgetForeign(): void {
  foreignTrees = new WeakMap();
  following = false;
  anchor = null;
}

export function isForeign(node: Syntax): boolean {
  return following && foreignTrees.has(node.tree);
}

/** Sets where foreign nodes are located from now on; returns the anchor it replaces. */
export function setAnchor(range: Range | null): Range | null {
  const previous = anchor;
  anchor = range;
  return previous;
}

export function rangeOf(node: Syntax): Range {
  const imported = following ? foreignTrees.get(node.tree) : undefined;
  if (imported) return anchor ?? imported;
  return { start: position(node.startPosition), end: position(node.endPosition) };
}

/** A zero-width range at the end of `node` (where insertions go). */
export function endOf(node: Syntax): Range {
  const imported = following ? foreignTrees.get(node.tree) : undefined;
  const end = imported ? (anchor ?? imported).end : position(node.endPosition);
  return { start: end, end };
}

let fieldLanguage: Language | null = null;
let fieldIds = new Map<string, number>();

/**
 * `childForFieldName` without web-tree-sitter's linear search of the field table on every
 * call. The analyzer reads one grammar, so the name-to-id table is kept for the last language.
 */
export function field(node: Syntax, name: string): Syntax | null {
  const language = node.tree.language;
  if (language !== fieldLanguage) {
    fieldIds = new Map();
    language.fields.forEach((f, i) => {
      if (f) fieldIds.set(f, i);
    });
    fieldLanguage = language;
  }
  const id = fieldIds.get(name);
  return id === undefined ? null : node.childForFieldId(id);
}

/** Source text without whitespace: how a value the reader cannot know is keyed (`x.shape[1]`, `timesteps-1`). */
export function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Named children without comments (tree-sitter keeps comments as named "extra" nodes). */
export function named(node: Syntax): readonly Syntax[] {
  const children = node.namedChildren as Syntax[];
  // Most nodes hold no comment: their children array is returned as it is, not copied.
  for (let i = 0; i < children.length; i++) {
    if (children[i].type === 'comment') return children.filter((c) => c.type !== 'comment');
  }
  return children;
}

/** The start, stop and step of a slice `a:b:c`, any of them missing: tree-sitter gives the parts and the colons as children. */
export function sliceParts(node: Syntax): [Syntax | null, Syntax | null, Syntax | null] {
  const parts: [Syntax | null, Syntax | null, Syntax | null] = [null, null, null];
  let slot = 0;
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === ':') slot++;
    else if (child.type !== 'comment' && slot < 3) parts[slot] = child;
  }
  return parts;
}

/** The text of a `string` node as Python would read it (simple escapes; f-strings stay raw). */
export function stringValue(node: Syntax): string | null {
  if (node.type === 'concatenated_string') {
    const parts = named(node).map(stringValue);
    return parts.every((p) => p !== null) ? parts.join('') : null;
  }
  if (node.type !== 'string') return null;
  const start = node.firstChild;
  const prefix = start?.type === 'string_start' ? start.text.replace(/['"]/g, '').toLowerCase() : '';
  if (prefix.includes('f') || prefix.includes('b')) {
    if (named(node).some((c) => c.type === 'interpolation')) return null;
  }
  let out = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_content') out += prefix.includes('r') ? child.text : unescape(child.text);
    else if (child.type === 'escape_sequence') out += prefix.includes('r') ? child.text : unescape(child.text);
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
}
