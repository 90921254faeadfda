/**
 * JSON text from a user's file (data, weights), parsed with bounds: nesting deeper than any
 * array MaskLens can use is refused before a recursive parser sees it (5,000 levels used to
 * end in "Maximum call stack size exceeded"), and a syntax error is reported by line and
 * column, never by quoting the text (the file may hold anything).
 */
import { parse, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { JsonValue } from '../ir';
import { DataError } from './errors';

/** Arrays of rank 32 nested in a few objects: far beyond any model input, far below the stack. */
export const MAX_JSON_DEPTH = 40;

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/** jsonc-parser's error names (printParseErrorCode) in words. */
const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'text that is not JSON',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a key was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'more text after the JSON value',
  InvalidCommentToken: 'a comment (JSON has none)',
  UnexpectedEndOfComment: 'an unclosed comment',
  UnexpectedEndOfString: 'a string that is not closed',
  UnexpectedEndOfNumber: 'a number cut short',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed escape',
  InvalidCharacter: 'a control character inside a string',
};

/** The offset where nesting first passes `max` levels, or -1 (strings and escapes skipped, one pass). */
function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** Parses a JSON file's text; every failure is a DataError located by line and column. */
export function parseJsonText(text: string, location: string): JsonValue {
  const deep = tooDeepAt(text, MAX_JSON_DEPTH);
  if (deep >= 0)
    throw new DataError(
      `${lineColumn(text, deep)}: arrays and objects nest deeper than ${MAX_JSON_DEPTH} levels`,
      'data-format',
      location,
    );
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    // JSON.parse's message quotes the text around the error; find the place another way.
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const problem = first
      ? `at ${lineColumn(text, first.offset)}: ${PROBLEMS[printParseErrorCode(first.error)] ?? 'malformed JSON'}`
      : 'malformed';
    throw new DataError(`invalid JSON ${problem}`, 'data-corrupt', location);
  }
}
