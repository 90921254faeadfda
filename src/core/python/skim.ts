/**
 * Lazy parsing, as JavaScript engines pre-parse function bodies they may never run. Two
 * kinds of top-level statement cannot change what MaskLens reports when nothing outside
 * them (and outside other skipped statements) names them:
 *   - a `def` without a decorator and without a Keras hint in it: nothing calls it, and
 *     `parse.ts` reads unnamed functions as model templates only when they mention Keras;
 *   - a constant, `NAME = <literal>`, whose value holds no name at all (numbers, strings,
 *     `True`/`False`/`None`, brackets and operators): reading it binds an unused name and
 *     nothing else, since without names there is no call, attribute or model to touch.
 * Such statements are left out of tree-sitter's parse through included ranges, so a
 * script's plotting helpers and the settings only they use cost nothing. Skipping one can
 * make another skippable (a constant only an unused helper reads), so the choice is
 * repeated until it settles.
 *
 * The scan is conservative: a name counts wherever it appears (strings and comments
 * included); brackets and strings are tracked so a column-0 line inside them never ends a
 * statement, and a statement with column-0 code inside its brackets (or an indented line
 * after a constant) is parsed anyway; the analyzer parses the whole file again if the
 * skimmed parse has any syntax error, so error recovery sees exactly what it saw before.
 */
import type { Range as TsRange } from 'web-tree-sitter';

/** Function bodies worth reading as templates: they mention Keras model building. */
export const KERAS_HINT = /\b(Sequential|Model|Input|add|LSTM|GRU|Dense|Embedding|Masking|layers)\b/;

/** A top-level statement that may be left out of the parse. */
interface Candidate {
  kind: 'def' | 'constant';
  start: number;
  row: number;
  /** Where a constant's value starts (just after its `=`). */
  valueStart: number;
  /** Code at column 0 inside its brackets or continuation (or, after a constant, an indented line): its end is not certain. */
  unsure: boolean;
  end: number;
  endRow: number;
  /** The end of its last line that is not a column-0 comment: the comments after a body introduce what follows. */
  bodyEnd: number;
  /** The hash of its name, and how often that name occurs inside it (a recursive call, a constant's own name). */
  hash: number;
  selfCount: number;
  /** Where the hashes of the names inside it (strings and comments included) lie in the scan's NameLog. */
  namesFrom: number;
  namesTo: number;
  /** Its text rules it out whatever names it (a decorator, a Keras hint, a value with names): set at once for a decorator or a name in a value, else checked once. */
  blocked?: boolean;
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
 * other's count, which keeps a definition rather than skipping it: safe. The counts live in
 * an open-addressing table of typed arrays, since a scan adds some ten thousand names and a
 * Map costs two lookups for each.
 */
class NameCounts {
  private keys = new Int32Array(4096);
  private values = new Int32Array(4096);
  /** Which slots hold a key (a hash may be 0). */
  private used = new Uint8Array(4096);
  private size = 0;

  private slot(hash: number): number {
    const mask = this.keys.length - 1;
    let i = Math.imul(hash, 0x9e3779b1) & mask;
    while (this.used[i] && this.keys[i] !== hash) i = (i + 1) & mask;
    return i;
  }

  get(hash: number): number {
    const i = this.slot(hash);
    return this.used[i] ? this.values[i] : 0;
  }

  add(hash: number, delta: number): void {
    let i = this.slot(hash);
    if (!this.used[i]) {
      if (2 * (this.size + 1) > this.keys.length) {
        this.grow();
        i = this.slot(hash);
      }
      this.used[i] = 1;
      this.keys[i] = hash;
      this.size++;
    }
    this.values[i] += delta;
  }

  private grow(): void {
    const { keys, values, used } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2);
    this.used = new Uint8Array(keys.length * 2);
    for (let k = 0; k < keys.length; k++) {
      if (!used[k]) continue;
      const i = this.slot(keys[k]);
      this.used[i] = 1;
      this.keys[i] = keys[k];
      this.values[i] = values[k];
    }
  }
}

function nameHash(text: string, from: number, to: number): number {
  let h = 0;
  for (let k = from; k < to; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  return h;
}

function hashOf(name: string): number {
  return nameHash(name, 0, name.length);
}

/** Names mentioned inside a comment or string also count as uses: `getattr(m, "helper")`. */
function countNames(text: string, from: number, to: number, counts: NameCounts, inside: Candidate | null, log: NameLog): void {
  let i = from;
  while (i < to) {
    if (!isNameStart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    i = countName(text, i, to, counts, inside, log, false);
  }
}

const LITERAL_NAMES = new Set(['True', 'False', 'None']);
const LITERAL_HASHES = new Set([...LITERAL_NAMES].map(hashOf));

/**
 * Counts the name starting at `i` (in code, or in a string or comment) and notes it for the
 * candidate it is inside; returns the index after it. A name in a constant's value rules the
 * constant out at once, and a ruled-out candidate needs no list of its names.
 */
function countName(text: string, i: number, to: number, counts: NameCounts, inside: Candidate | null, log: NameLog, code: boolean): number {
  const j = nameEnd(text, i, to);
  const h = nameHash(text, i, j);
  counts.add(h, 1);
  if (inside && !inside.blocked) {
    if (code && inside.kind === 'constant' && i >= inside.valueStart && !LITERAL_HASHES.has(h)) {
      inside.blocked = true;
      log.length = inside.namesFrom;
    } else {
      log.push(h);
      if (h === inside.hash) inside.selfCount++;
    }
  }
  return j;
}

/** Index just past the name starting at `i` and ending by `to` (`i` itself when none starts there). */
function nameEnd(text: string, i: number, to = text.length): number {
  if (i >= to || !isNameStart(text.charCodeAt(i))) return i;
  let j = i + 1;
  while (j < to && isNameChar(text.charCodeAt(j))) j++;
  return j;
}

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (text.charCodeAt(j) === Char.Space || text.charCodeAt(j) === Char.Tab) j++;
  return j;
}

function isWord(text: string, from: number, to: number, word: string): boolean {
  return to - from === word.length && text.startsWith(word, from);
}

interface Head {
  kind: Candidate['kind'];
  hash: number;
  /** Where a constant's value starts. */
  valueStart: number;
}

/** What a top-level statement at `i` starts: `def NAME(` or `async def NAME(`, `NAME =` (not `==`), or neither. */
function statementHead(text: string, i: number): Head | null {
  const end = nameEnd(text, i);
  if (end === i) return null;
  let word = i;
  let wordEnd = end;
  if (isWord(text, i, end, 'async')) {
    const next = skipSpaces(text, end);
    const nextEnd = nameEnd(text, next);
    if (next > end && isWord(text, next, nextEnd, 'def')) [word, wordEnd] = [next, nextEnd];
  }
  if (isWord(text, word, wordEnd, 'def')) {
    const name = skipSpaces(text, wordEnd);
    const after = nameEnd(text, name);
    if (name === wordEnd || after === name || text.charCodeAt(skipSpaces(text, after)) !== 40) return null;
    return { kind: 'def', hash: nameHash(text, name, after), valueStart: i };
  }
  const equals = skipSpaces(text, end);
  if (text.charCodeAt(equals) !== 61 || text.charCodeAt(equals + 1) === 61) return null;
  return { kind: 'constant', hash: nameHash(text, i, end), valueStart: equals + 1 };
}

/**
 * The hash of every name inside a candidate, in one growing array for the whole scan:
 * candidates do not overlap, so each one's names are a slice of it.
 */
class NameLog {
  hashes = new Int32Array(4096);
  length = 0;

  push(h: number): void {
    if (this.length === this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.length++] = h;
  }
}

/** Index just past the number starting at `i`, with its exponent, base or suffix letters. */
function skipNumber(text: string, i: number, to: number): number {
  let j = i + 1;
  while (j < to && (isNameChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
  return j;
}

/** Index of the first character from `i` that is not blank. */
function firstNonBlank(text: string, i: number): number {
  let j = i;
  while (j < text.length && isBlank(text.charCodeAt(j))) j++;
  return j;
}

/** Top-level statements that may be skipped, and how often every name occurs in the file. */
function scan(text: string): { candidates: Candidate[]; counts: NameCounts; log: NameLog; lastRow: number } {
  const candidates: Candidate[] = [];
  const counts = new NameCounts();
  const log = new NameLog();
  let open: Candidate | null = null;
  let decoratorAbove = false;
  let depth = 0;
  let row = 0;
  let lineStart = true;
  let continued = false;
  let trailing = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      // Indentation is read once, here: blanks mean nothing to the rest of the scan.
      const first = firstNonBlank(text, i);
      const indented = first > i;
      const f = first < text.length ? text.charCodeAt(first) : Char.Newline;
      const blank = f === Char.Newline;
      const logical = depth === 0 && !continued;
      // Blank lines and column-0 comments after a body do not belong to it (see bodyEnd).
      trailing = open !== null && logical && (blank || (!indented && f === Char.Hash));
      // A column-0 line outside brackets and strings, not continuing the previous one with
      // a backslash, that holds code: a new top-level statement, which ends any open one.
      const holdsCode = !blank && f !== Char.Hash;
      const code = !indented && holdsCode;
      // Code at column 0 inside brackets or after a backslash is legal Python, but if the
      // bracket count were ever wrong, skipping would swallow real statements: keep it.
      if (open && code && !logical) open.unsure = true;
      // A constant is one logical line; an indented line after it is an error to be seen.
      if (open?.kind === 'constant' && logical && indented && holdsCode) open.unsure = true;
      if (logical && code) {
        if (open) {
          open.end = i;
          open.endRow = row;
          open.namesTo = log.length;
          candidates.push(open);
          open = null;
        }
        const head = statementHead(text, i);
        if (head && (head.kind === 'def' || !decoratorAbove)) {
          const { kind, hash, valueStart } = head;
          open = { kind, start: i, row, valueStart, unsure: false, end: text.length, endRow: row, bodyEnd: text.length, hash, selfCount: 0, namesFrom: log.length, namesTo: log.length, blocked: decoratorAbove || undefined };
        }
        decoratorAbove = f === Char.At;
      }
      continued = false;
      i = first;
      continue;
    }
    if (c === Char.Newline) {
      if (open && !trailing) open.bodyEnd = i;
      row++;
      lineStart = true;
      i++;
    } else if (c === Char.Hash) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      countNames(text, i, end, counts, open, log);
      i = end;
    } else if (c === Char.Quote || c === Char.Apostrophe) {
      const end = skipString(text, i);
      countNames(text, i, end, counts, open, log);
      for (let k = text.indexOf('\n', i); k !== -1 && k < end; k = text.indexOf('\n', k + 1)) row++;
      i = end;
    } else if (c === Char.Backslash) {
      const next = text.charCodeAt(i + 1);
      if (next === Char.Newline || (next === Char.CarriageReturn && text.charCodeAt(i + 2) === Char.Newline)) continued = true;
      i++;
    } else if (isNameStart(c)) {
      i = countName(text, i, text.length, counts, open, log, true);
    } else if (c >= 48 && c <= 57) {
      // A number, with its exponent, base or suffix letters (`1e-3`, `0xFF`, `2j`): no name in it.
      i = skipNumber(text, i, text.length);
    } else {
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      i++;
    }
  }
  if (open) {
    if (!trailing) open.bodyEnd = text.length;
    open.endRow = row;
    open.namesTo = log.length;
    candidates.push(open);
  }
  return { candidates, counts, log, lastRow: row };
}

/**
 * Whether a constant's value is a literal: no name in it but `True`, `False` and `None`
 * (a string prefix such as `f"` counts as a name), and no second statement after a `;`.
 */
function literalValue(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === Char.Quote || c === Char.Apostrophe) i = skipString(text, i);
    else if (c === Char.Hash) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > to ? to : nl;
    } else if (c >= 48 && c <= 57) i = skipNumber(text, i, to);
    else if (isNameStart(c)) {
      const j = nameEnd(text, i, to);
      if (!LITERAL_NAMES.has(text.slice(i, j))) return false;
      i = j;
    } else if (c === 59) return false;
    else i++;
  }
  return true;
}

/** Whether its text rules it out, whatever names it: an uncertain end, a Keras hint, a value that is not a literal. */
function blocked(text: string, candidate: Candidate): boolean {
  if (candidate.unsure) return true;
  if (candidate.kind === 'constant') return !literalValue(text, candidate.valueStart, candidate.end);
  return KERAS_HINT.test(text.slice(candidate.start, Math.min(candidate.bodyEnd, candidate.end)));
}

/** Whether nothing but the statement itself can depend on it (the name count first: it is the cheap test). */
function skippable(text: string, candidate: Candidate, counts: NameCounts): boolean {
  if (counts.get(candidate.hash) !== candidate.selfCount) return false;
  candidate.blocked ??= blocked(text, candidate);
  return !candidate.blocked;
}

/**
 * Candidates chosen until the choice settles: a skipped statement's names no longer count,
 * which can leave another statement unnamed.
 */
function chooseSkipped(text: string, candidates: Candidate[], counts: NameCounts, log: NameLog): Candidate[] {
  const skipped = new Set<Candidate>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const candidate of candidates) {
      if (skipped.has(candidate) || !skippable(text, candidate, counts)) continue;
      skipped.add(candidate);
      for (let k = candidate.namesFrom; k < candidate.namesTo; k++) {
        const h = log.hashes[k];
        counts.add(h, -1);
      }
      changed = true;
    }
  }
  return candidates.filter((c) => skipped.has(c));
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
  const { candidates, counts, log, lastRow } = scan(text);
  const ranges: TsRange[] = [];
  let from = 0;
  let fromRow = 0;
  for (const skipped of chooseSkipped(text, candidates, counts, log)) {
    if (skipped.start > from) ranges.push({ startIndex: from, endIndex: skipped.start, startPosition: positionAfter(text, from, fromRow), endPosition: { row: skipped.row, column: 0 } });
    from = skipped.end;
    fromRow = skipped.endRow;
  }
  if (from === 0) return null;
  if (from < text.length) ranges.push({ startIndex: from, endIndex: text.length, startPosition: positionAfter(text, from, fromRow), endPosition: positionAfter(text, text.length, lastRow) });
  // Nothing left to read (a file of unused helpers): one empty range keeps the parse valid.
  if (ranges.length === 0) ranges.push({ startIndex: 0, endIndex: 0, startPosition: { row: 0, column: 0 }, endPosition: { row: 0, column: 0 } });
  return ranges;
}
