/**
 * Lists and tuples of plain decimal numbers (nested ones too), as Python writes them: the
 * shape inline data takes (`x = [[1, 2, 0], [3, 0, 0]]`, a one-line list of 400,000 numbers).
 * Read straight from the text, for the parser (blanking.ts) and the reader
 * (interpreter/literals.ts), because tree-sitter and a node-by-node reading both cost far more
 * per number than a scan of the text does.
 */

/** Characters above which such a literal is blanked for the parser and read from the text. */
export const LARGE_NUMBER_LITERAL = 10_000;

export interface NumberBuilder<T> {
  number(value: number, isInt: boolean): T;
  sequence(items: T[], list: boolean): T;
}

/** Brackets inside one another that such a literal may hold (deeper is left to the parser and the reader's bounds). */
const MAX_DEPTH = 100;

function skipSpace(text: string, at: number): number {
  while (at < text.length) {
    const c = text.charCodeAt(at);
    // space, tab, line feed, carriage return, form feed
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) at++;
    else break;
  }
  return at;
}

function digits(text: string, at: number): number {
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c < 48 || c > 57) break;
    at++;
  }
  return at;
}

/** A number at `at`: `-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?`; its end, and whether it is an int (-1: none). */
function numberAt(text: string, at: number): { end: number; isInt: boolean } | null {
  let i = text[at] === '-' ? at + 1 : at;
  const intEnd = digits(text, i);
  let isInt = true;
  let fraction = false;
  if (text[intEnd] === '.') {
    isInt = false;
    const fracEnd = digits(text, intEnd + 1);
    fraction = fracEnd > intEnd + 1;
    i = fracEnd;
  } else i = intEnd;
  if (intEnd === (text[at] === '-' ? at + 1 : at) && !fraction) return null;
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    const expEnd = digits(text, j);
    if (expEnd === j) return null;
    isInt = false;
    i = expEnd;
  }
  return { end: i, isInt };
}

/**
 * The list or tuple of numbers starting at `start` (a `[` or `(`): where it ends, whether it is
 * a list or tuple (not a number in brackets), and its value when `build` is given. Null when the
 * text there is anything else (a name, a string, a comment, a call, unbalanced brackets).
 */
export function readNumberLiteral<T>(
  text: string,
  start: number,
  build: NumberBuilder<T> | null,
): { end: number; sequence: boolean; value: T | null } | null {
  let at = start;
  let failed = false;
  let sequence = false;
  const value = (depth: number): T | null => {
    at = skipSpace(text, at);
    const open = text[at];
    if (open === '[' || open === '(') {
      if (depth >= MAX_DEPTH) {
        failed = true;
        return null;
      }
      const close = open === '[' ? ']' : ')';
      at++;
      const items: T[] = [];
      let count = 0;
      let comma = false;
      for (;;) {
        at = skipSpace(text, at);
        if (text[at] === close) {
          at++;
          break;
        }
        const item = value(depth + 1);
        if (failed) return null;
        if (item !== null) items.push(item);
        count++;
        at = skipSpace(text, at);
        if (text[at] === ',') {
          at++;
          comma = true;
        } else if (text[at] !== close) {
          failed = true;
          return null;
        }
      }
      // `(3)` is a number in brackets, not a tuple
      if (open === '(' && count === 1 && !comma) return items[0] ?? null;
      if (depth === 0) sequence = true;
      return build ? build.sequence(items, open === '[') : null;
    }
    const n = numberAt(text, at);
    if (!n) {
      failed = true;
      return null;
    }
    const from = at;
    at = n.end;
    if (!build) return null;
    // plain decimal ints (nearly all inline data) without a substring
    if (n.isInt && n.end - from <= 15) {
      let v = 0;
      const negative = text[from] === '-';
      for (let i = negative ? from + 1 : from; i < n.end; i++) v = v * 10 + (text.charCodeAt(i) - 48);
      return build.number(negative ? -v : v, true);
    }
    return build.number(Number(text.slice(from, n.end)), n.isInt);
  };
  if (text[start] !== '[' && text[start] !== '(') return null;
  const v = value(0);
  return failed ? null : { end: at, sequence, value: v };
}
