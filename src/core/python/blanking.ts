/**
 * Regions of the text blanked before parsing, where tree-sitter costs far more than the reader
 * needs. Blanking turns characters into spaces and keeps line breaks, so nothing moves: the
 * tree's positions are the file's.
 *
 * * Long runs of comment lines. Inside an indented block, tree-sitter-python's scanner, at
 *   every line end, skips all the comment lines that follow to find the indentation of the next
 *   line of code; each comment is then a token of its own, after which it skips the rest of the
 *   run again. A run of n comment lines in a block costs n²/2 line skips: 2,500 lines parsed in
 *   3 s, 10,000 in 48 s (web-tree-sitter 0.25). Blank lines are skipped in one pass, and the
 *   reader does not read comments.
 * * Large lists and tuples of numbers (numberLiterals.ts), inline data written on one line:
 *   tree-sitter parses numbers at about 1 s per MB, blanks about twelve times faster. The
 *   brackets stay, so the tree holds an empty list or tuple there, which the reader reads from
 *   the file's text (interpreter/literals.ts).
 *
 * A region found where the tree says otherwise (comment lines inside a docstring, numbers in
 * brackets that are a call's arguments) is put back, and the text parsed again.
 */
import type { Tree } from 'web-tree-sitter';
import { LARGE_NUMBER_LITERAL, readNumberLiteral } from './numberLiterals';
import type { Syntax } from './syntax';

/** Comment lines a run needs before it is blanked: shorter runs cost little, and stay in the tree. */
export const MIN_COMMENT_RUN = 16;

export interface Region {
  kind: 'comments' | 'numbers';
  start: number;
  end: number;
}

export interface Blanked {
  /** The text to parse: `original` with the regions blanked (the same string when there are none). */
  text: string;
  original: string;
  regions: Region[];
}

function isSpace(c: number): boolean {
  // space, tab, carriage return, form feed
  return c === 32 || c === 9 || c === 13 || c === 12;
}

/** The runs of at least MIN_COMMENT_RUN comment lines (blank lines between them belong to the run). */
export function commentRuns(text: string): Region[] {
  const runs: Region[] = [];
  let runStart = -1;
  let runEnd = -1;
  let comments = 0;
  const close = (): void => {
    if (comments >= MIN_COMMENT_RUN) runs.push({ kind: 'comments', start: runStart, end: runEnd });
    runStart = -1;
    comments = 0;
  };
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    let i = start;
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i < end && text[i] === '#') {
      if (runStart === -1) runStart = i;
      runEnd = end;
      comments++;
    } else if (i < end) close();
    start = end + 1;
  }
  close();
  return runs;
}

/** Characters a list of numbers is written with. */
function literalChar(c: number): boolean {
  // 0-9 , . e E + - [ ] ( ) and white space
  return (
    (c >= 48 && c <= 57) ||
    c === 44 ||
    c === 46 ||
    c === 101 ||
    c === 69 ||
    c === 43 ||
    c === 45 ||
    c === 91 ||
    c === 93 ||
    c === 40 ||
    c === 41 ||
    isSpace(c) ||
    c === 10
  );
}

/** Lists and tuples of numbers at least LARGE_NUMBER_LITERAL characters long. */
export function numberLiterals(text: string): Region[] {
  const out: Region[] = [];
  let at = 0;
  while (at < text.length) {
    // the next stretch of characters a list of numbers is written with, long enough to hold one
    while (at < text.length && !literalChar(text.charCodeAt(at))) at++;
    let end = at;
    while (end < text.length && literalChar(text.charCodeAt(end))) end++;
    if (end - at < LARGE_NUMBER_LITERAL) {
      at = end + 1;
      continue;
    }
    while (at < end) {
      const c = text[at];
      if (c !== '[' && c !== '(') {
        at++;
        continue;
      }
      const read = readNumberLiteral(text, at, null);
      if (read && read.sequence && read.end - at >= LARGE_NUMBER_LITERAL) {
        out.push({ kind: 'numbers', start: at, end: read.end });
        at = read.end;
      } else at++;
    }
    at = end + 1;
  }
  return out;
}

function blank(text: string, regions: readonly Region[]): string {
  if (regions.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const r of regions) {
    const inside =
      r.kind === 'comments'
        ? text.slice(r.start, r.end).replace(/#[^\r\n]*/g, (comment) => ' '.repeat(comment.length))
        : text[r.start] +
          text.slice(r.start + 1, r.end - 1).replace(/[^\r\n]+/g, (line) => ' '.repeat(line.length)) +
          text[r.end - 1];
    parts.push(text.slice(at, r.start), inside);
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** `numbers: false` for the user's other modules, whose nodes the reader reads from the tree alone. */
export function blankForParsing(written: string, { numbers = true } = {}): Blanked {
  // Python and VS Code end a line at a lone CR too; tree-sitter-python does not. Same length, so nothing moves.
  const text = written.replace(/\r(?!\n)/g, '\n');
  const regions = [...commentRuns(text), ...(numbers ? numberLiterals(text) : [])].sort((a, b) => a.start - b.start);
  // a comment run and a literal cannot overlap (a literal's characters hold no `#`), but keep the first of any that do
  const disjoint = regions.filter((r, i) => i === 0 || r.start >= regions[i - 1].end);
  return { text: blank(text, disjoint), original: text, regions: disjoint };
}

/** Whether the tree agrees with a region: comment lines outside strings, a literal that is a list or tuple there. */
function agrees(root: Syntax, region: Region): boolean {
  const node = root.descendantForIndex(region.start, region.end);
  if (region.kind === 'numbers')
    return (
      (node?.type === 'list' || node?.type === 'tuple') &&
      node.startIndex === region.start &&
      node.endIndex === region.end
    );
  for (let n: Syntax | null = node; n; n = n.parent) {
    if (n.type === 'string' || n.type === 'string_content' || n.type === 'concatenated_string') return false;
  }
  return true;
}

/**
 * Parses `source.text`; when the tree disagrees with a blanked region, parses again with those
 * regions as written. Returns the tree and the text it was parsed from.
 */
export function parseBlanked(source: Blanked, parse: (text: string) => Tree): { tree: Tree; text: string } {
  const tree = parse(source.text);
  if (source.regions.length === 0) return { tree, text: source.text };
  const kept = source.regions.filter((r) => agrees(tree.rootNode, r));
  if (kept.length === source.regions.length) return { tree, text: source.text };
  tree.delete();
  const text = blank(source.original, kept);
  return { tree: parse(text), text };
}
