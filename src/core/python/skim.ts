/**
 * Lazy parsing, as JavaScript engines pre-parse function bodies they may never run. A
 * top-level `def` that no other text in the file names, that carries no decorator and
 * whose body has no Keras hint cannot change what MaskLens reports: nothing calls it, and
 * `parse.ts` reads unnamed functions as model templates only when they mention Keras.
 * Such definitions are left out of tree-sitter's parse through included ranges, so a
 * script's plotting and bookkeeping helpers cost nothing.
 *
 * The scan is conservative: a name counts wherever it appears (strings and comments
 * included); brackets and strings are tracked so a column-0 line inside them never ends a
 * definition, and a definition with column-0 code inside its brackets is parsed anyway; the
 * analyzer parses the whole file again if the skimmed parse has any syntax error, so error
 * recovery sees exactly what it saw before.
 */
import type { Range as TsRange } from 'web-tree-sitter';

/** Function bodies worth reading as templates: they mention Keras model building. */
export const KERAS_HINT = /\b(Sequential|Model|Input|add|LSTM|GRU|Dense|Embedding|Masking|layers)\b/;

interface Definition {
  name: string;
  start: number;
  row: number;
  decorated: boolean;
  /** A column-0 line of code inside its brackets or continuation: its end is not certain. */
  unsure: boolean;
  end: number;
  endRow: number;
}

const enum Char {
  Newline = 10,
  Space = 32,
  Tab = 9,
  CarriageReturn = 13,
  FormFeed = 12,
  Hash = 35,
  Backslash = 92,
  Quote = 34,
  Apostrophe = 39,
  At = 64,
}

/** `def NAME` or `async def NAME`, matched where a line starts (sticky). */
const DEF = /(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/y;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** Index just past the string literal whose quote is at `i` (its end, or the line's end when unclosed). */
function skipString(text: string, i: number): number {
  const quote = text.charCodeAt(i);
  const triple = text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote;
  let j = triple ? i + 3 : i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === Char.Backslash) j += 2;
    else if (c === quote && (!triple || (text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote))) return j + (triple ? 3 : 1);
    else if (c === Char.Newline && !triple) return j;
    else j++;
  }
  return text.length;
}

function isBlank(c: number): boolean {
  return c === Char.Space || c === Char.Tab || c === Char.CarriageReturn || c === Char.FormFeed;
}

/**
 * Names are counted by a hash of their characters, not as strings: no string is made for
 * each of the file's thousands of identifiers. Two names with one hash only add to each
 * other's count, which keeps a definition rather than skipping it: safe.
 */
type NameCounts = Map<number, number>;

function nameHash(text: string, from: number, to: number): number {
  let h = 0;
  for (let k = from; k < to; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  return h;
}

/** Names mentioned inside a comment or string also count as uses: `getattr(m, "helper")`. */
function countNames(text: string, from: number, to: number, counts: NameCounts): void {
  let i = from;
  while (i < to) {
    if (!isNameStart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    i = countName(text, i, to, counts);
  }
}

/** Counts the name starting at `i`; returns the index after it. */
function countName(text: string, i: number, to: number, counts: NameCounts): number {
  let j = i + 1;
  while (j < to && isNameChar(text.charCodeAt(j))) j++;
  const h = nameHash(text, i, j);
  counts.set(h, (counts.get(h) ?? 0) + 1);
  return j;
}

/** Top-level definitions and how often every name occurs in the file. */
function scan(text: string): { definitions: Definition[]; counts: NameCounts; lastRow: number } {
  const definitions: Definition[] = [];
  const counts: NameCounts = new Map();
  let open: Definition | null = null;
  let decoratorAbove = false;
  let depth = 0;
  let row = 0;
  let lineStart = true;
  let continued = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      // A column-0 line outside brackets and strings, not continuing the previous one with
      // a backslash, that holds code: a new top-level statement, which ends any open def.
      const code = !isBlank(c) && c !== Char.Newline && c !== Char.Hash;
      // Code at column 0 inside brackets or after a backslash is legal Python, but if the
      // bracket count were ever wrong, skipping would swallow real statements: keep such a def.
      if (open && code && (depth > 0 || continued)) open.unsure = true;
      if (depth === 0 && !continued && code) {
        if (open) {
          open.end = i;
          open.endRow = row;
          definitions.push(open);
          open = null;
        }
        DEF.lastIndex = i;
        const m = DEF.exec(text);
        if (m) open = { name: m[1], start: i, row, decorated: decoratorAbove, unsure: false, end: text.length, endRow: row };
        decoratorAbove = c === Char.At;
      }
      continued = false;
    }
    if (c === Char.Newline) {
      row++;
      lineStart = true;
      i++;
    } else if (c === Char.Hash) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      countNames(text, i, end, counts);
      i = end;
    } else if (c === Char.Quote || c === Char.Apostrophe) {
      const end = skipString(text, i);
      countNames(text, i, end, counts);
      for (let k = text.indexOf('\n', i); k !== -1 && k < end; k = text.indexOf('\n', k + 1)) row++;
      i = end;
    } else if (c === Char.Backslash) {
      const next = text.charCodeAt(i + 1);
      if (next === Char.Newline || (next === Char.CarriageReturn && text.charCodeAt(i + 2) === Char.Newline)) continued = true;
      i++;
    } else if (isNameStart(c)) {
      i = countName(text, i, text.length, counts);
    } else {
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      i++;
    }
  }
  if (open) {
    open.endRow = row;
    definitions.push(open);
  }
  return { definitions, counts, lastRow: row };
}

function positionAfter(text: string, index: number, row: number): { row: number; column: number } {
  // lastIndexOf clamps a negative start to 0, which would find a newline at index 0 itself.
  return { row, column: index === 0 ? 0 : index - (text.lastIndexOf('\n', index - 1) + 1) };
}

/**
 * The parts of `text` tree-sitter must read, or null when every part matters (parse the
 * whole file as usual).
 */
export function skimRanges(text: string): TsRange[] | null {
  const { definitions, counts, lastRow } = scan(text);
  const ranges: TsRange[] = [];
  let from = 0;
  let fromRow = 0;
  for (const def of definitions) {
    if (def.decorated || def.unsure || counts.get(nameHash(def.name, 0, def.name.length)) !== 1) continue;
    if (KERAS_HINT.test(text.slice(def.start, def.end))) continue;
    if (def.start > from) ranges.push({ startIndex: from, endIndex: def.start, startPosition: positionAfter(text, from, fromRow), endPosition: { row: def.row, column: 0 } });
    from = def.end;
    fromRow = def.endRow;
  }
  if (from === 0) return null;
  if (from < text.length) ranges.push({ startIndex: from, endIndex: text.length, startPosition: positionAfter(text, from, fromRow), endPosition: positionAfter(text, text.length, lastRow) });
  // Nothing left to read (a file of unused helpers): one empty range keeps the parse valid.
  if (ranges.length === 0) ranges.push({ startIndex: 0, endIndex: 0, startPosition: { row: 0, column: 0 }, endPosition: { row: 0, column: 0 } });
  return ranges;
}
