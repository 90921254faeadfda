/**
 * Error recovery by statement. tree-sitter recovers from most syntax errors locally, but an
 * unclosed bracket can swallow the rest of the file into one ERROR node (a half-typed
 * `foo(` above the model hides the model). When the whole-file parse has errors, the file
 * is cut into top-level statements — lines at column 0 that start a statement — and each
 * is parsed on its own (with `includedRanges`, so positions stay those of the file).
 */
import type { Range as TsRange } from 'web-tree-sitter';

/** Lines at column 0 that continue the previous statement rather than start one. */
const CONTINUATION = /^(elif|else|except|finally|case)\b|^[)\]},.+\-*/%&|^=<>!]/;
/** Lines that start a statement: a keyword, a decorator, or a name followed by = ( [ . , : */
const STATEMENT =
  /^(def|class|async|import|from|if|for|while|with|try|return|raise|assert|del|global|nonlocal|pass|break|continue|print|match)\b|^@|^[A-Za-z_][\w.]*\s*(\[[^\]]*\]\s*)?([-+*/%|&^@]?=|\(|\[|\.|,|:)/;

interface Line {
  start: number;
  text: string;
  row: number;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let row = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    out.push({ start, text: text.slice(start, end), row });
    if (nl === -1) break;
    start = nl + 1;
    row++;
  }
  return out;
}

/** Whether a line opens or closes a triple-quoted string (counted naively, escapes aside). */
function togglesTripleQuote(line: string, open: string | null): string | null {
  let state = open;
  for (let i = 0; i < line.length; i++) {
    if (state === null && line[i] === '#') break;
    for (const q of ['"""', "'''"]) {
      if (line.startsWith(q, i) && (state === null || state === q)) {
        state = state === null ? q : null;
        i += 2;
        break;
      }
    }
  }
  return state;
}

export function topLevelChunks(text: string): TsRange[] {
  const all = lines(text);
  const starts: Line[] = [];
  let inString: string | null = null;
  for (const line of all) {
    const wasInString = inString;
    inString = togglesTripleQuote(line.text, inString);
    if (wasInString !== null) continue;
    if (line.text.length === 0 || /^\s/.test(line.text) || line.text.startsWith('#')) continue;
    if (CONTINUATION.test(line.text) || !STATEMENT.test(line.text)) continue;
    starts.push(line);
  }
  const ranges: TsRange[] = [];
  starts.forEach((line, i) => {
    const next = starts[i + 1];
    const endIndex = next ? next.start : text.length;
    const endRow = next ? next.row : all[all.length - 1].row;
    const endColumn = next ? 0 : all[all.length - 1].text.length;
    ranges.push({
      startIndex: line.start,
      endIndex,
      startPosition: { row: line.row, column: 0 },
      endPosition: { row: endRow, column: endColumn },
    });
  });
  return ranges;
}
