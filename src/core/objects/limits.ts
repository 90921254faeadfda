/**
 * How large a value the reader follows (see bounds.ts, which enforces them as values grow;
 * values.ts bounds its walks by them too).
 */

/** Elements a list, tuple or dict may hold, nested ones counted each time they appear. */
export const MAX_ELEMENTS = 1_000_000;
/** Characters a string may hold. */
export const MAX_STRING_LENGTH = 1_000_000;
/** Lists and dicts inside one another. */
export const MAX_NESTING = 100;
/** Characters a Keras object's name may hold (names are compared often; see interpreter/calls.ts). */
export const MAX_NAME_LENGTH = 1_000;
