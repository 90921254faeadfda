/**
 * Long runs of comment lines, blanked before parsing. Inside an indented block, tree-sitter-
 * python's scanner, at every line end, skips all the comment lines that follow to find the
 * indentation of the next line of code; each comment is then a token of its own, after which
 * it skips the rest of the run again. A run of n comment lines in a block costs n²/2 line skips:
 * 2,500 lines parsed in 3 s, 10,000 in 48 s (measured on web-tree-sitter 0.25). Blank lines
 * are skipped in one pass, so the comment lines of a long run are made blank before parsing:
 * every character from `#` to the line end becomes a space. Nothing moves (same length, same
 * lines and columns), so every position in the tree is the file's, and the reader does not read
 * comments. A run that turns out to lie inside a string (a docstring of `#` lines) is put back.
 */
import type { Tree } from 'web-tree-sitter';
import type { Syntax } from './syntax';

/** Comment lines a run needs before it is blanked: shorter runs cost little, and stay in the tree. */
export const MIN_COMMENT_RUN = 16;

export interface Run {
  start: number;
  end: number;
}

export interface Blanked {
  /** The text to parse: `original` with the runs blanked (the same string when there are none). */
  text: string;
  original: string;
  runs: Run[];
}

/** The runs of at least MIN_COMMENT_RUN comment lines (blank lines between them belong to the run). */
export function commentRuns(text: string): Run[] {
  const runs: Run[] = [];
  let runStart = -1;
  let runEnd = -1;
  let comments = 0;
  const close = (): void => {
    if (comments >= MIN_COMMENT_RUN) runs.push({ start: runStart, end: runEnd });
    runStart = -1;
    comments = 0;
  };
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    let i = start;
    while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\f')) i++;
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

function blankRuns(text: string, runs: readonly Run[]): string {
  if (runs.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const run of runs) {
    parts.push(text.slice(at, run.start), text.slice(run.start, run.end).replace(/#[^\r\n]*/g, (comment) => ' '.repeat(comment.length)));
    at = run.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

export function blankCommentRuns(text: string): Blanked {
  const runs = commentRuns(text);
  return { text: blankRuns(text, runs), original: text, runs };
}

function insideString(root: Syntax, run: Run): boolean {
  for (let node: Syntax | null = root.descendantForIndex(run.start, run.end); node; node = node.parent) {
    if (node.type === 'string' || node.type === 'string_content' || node.type === 'concatenated_string') return true;
  }
  return false;
}

/**
 * Parses `source.text`; when a blanked run lies inside a string there, parses again with those
 * runs as written. Returns the tree and the text it was parsed from.
 */
export function parseBlanked(source: Blanked, parse: (text: string) => Tree): { tree: Tree; text: string } {
  const tree = parse(source.text);
  if (source.runs.length === 0) return { tree, text: source.text };
  const kept = source.runs.filter((run) => !insideString(tree.rootNode, run));
  if (kept.length === source.runs.length) return { tree, text: source.text };
  tree.delete();
  const text = blankRuns(source.original, kept);
  return { tree: parse(text), text };
}
