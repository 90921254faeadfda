/**
 * Large literals of numbers, read from their text. A one-line list of 400,000 numbers (inline
 * data) cost the reader a syntax node per number, each fetched from tree-sitter's WebAssembly
 * memory and evaluated as an expression of its own (about 4 µs a number); and the parser sees
 * such a literal blanked (python/blanking.ts), so its numbers are read from the file's text.
 */
import { LARGE_NUMBER_LITERAL, readNumberLiteral, type NumberBuilder } from '../python/numberLiterals';
import { num, seq, type Value } from '../objects/values';

/** Characters of source text above which a list or tuple literal is first tried as numbers (the parser's blanking bound). */
export const LARGE_LITERAL_CHARS = LARGE_NUMBER_LITERAL;

const VALUES: NumberBuilder<Value> = {
  number: (v, isInt) => num(v, isInt),
  sequence: (items, list) => seq(items, list),
};

/** The value of `text` when it is all a list or tuple of numbers (nested ones too); else null. */
export function numericLiteral(text: string): Value | null {
  const read = readNumberLiteral(text, 0, VALUES);
  return read && read.value?.t === 'seq' && text.slice(read.end).trim() === '' ? read.value : null;
}
