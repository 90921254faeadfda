/** Python files that once took the extension host down or stalled it, for tests of the analysis process. */

/** Four lines: the list doubles forty times. Reading it ends in a V8 fatal error (invalid size, or the heap limit). */
export const LIST_DOUBLING = 'a = [0] * 10000\nfor _ in range(40):\n    a = a + a\n';

/** One line of about 2 MB: a list of 400,000 numbers. Parsing and reading it take about a second on this machine. */
export function twoMegabyteList(): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < 2_000_000; i++) {
    const item = `${i % 1000}, `;
    parts.push(item);
    length += item.length;
  }
  return `x = [${parts.join('')}0]\n`;
}
