/**
 * What one file's analysis may send out of the analyzer thread. The reader's bounds keep each
 * value in check, but a file can still name a thousand layers with a million-character name
 * each, or build a thousand models of a thousand layers: each piece small, their view gigabytes.
 * Copied to the process' main thread (heap capped at 512 MB) and on to the extension host, that
 * would exhaust them. So the models are sent in order while they fit in MAX_VIEW_CHARS (their
 * view and what a task needs of them, measured as JSON); those after are left out, with one
 * warning on the first of them.
 */
import type { FileAnalysis } from '../core/analysis/analyze';
import type { Diagnostic } from '../core/ir';

/** Characters of JSON the view and the task inputs of one file's models may take together. */
export const MAX_VIEW_CHARS = 16_000_000;

/**
 * The length of `value` as JSON, counted until it passes `limit` (then anything above it): the
 * walk stops there, so measuring what does not fit costs no more than what does.
 */
export function jsonLength(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') total += String(v).length;
    else if (v === null || v === undefined) total += 4;
    else if (Array.isArray(v)) {
      total += 2 + v.length;
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        total += k.length + 4;
        stack.push(item);
      }
      total += 2;
    }
  }
  return total;
}

/**
 * How many of the analysis' models fit, measured by `sizeOf(index, room)` (the JSON length of
 * what leaves for that model, counted up to `room`); a warning on the first one left out.
 */
export function modelsThatFit(
  analysis: FileAnalysis,
  sizeOf: (index: number, room: number) => number,
): { count: number; warning: Diagnostic | null } {
  let used = jsonLength(analysis.diagnostics, MAX_VIEW_CHARS);
  for (let i = 0; i < analysis.models.length; i++) {
    used += sizeOf(i, MAX_VIEW_CHARS - used);
    if (used > MAX_VIEW_CHARS) {
      const left = analysis.models.length - i;
      const message = `MaskLens shows this file's first ${i} model${i === 1 ? '' : 's'} only: with this one, what it read of them would pass ${MAX_VIEW_CHARS / 1_000_000} MB (long names, many layers); this model and the ${left - 1} after it are left out.`;
      return {
        count: i,
        warning: { code: 'analysis-limit', severity: 'warning', message, range: analysis.models[i].ir.range },
      };
    }
  }
  return { count: analysis.models.length, warning: null };
}
