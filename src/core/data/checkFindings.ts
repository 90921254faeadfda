/**
 * What the data's checks found over the rows they saw (non-finite counts, a Masking layer's
 * scan), as plain data, so that checks made on consecutive parts of the rows (by different
 * workers) end in the same findings as one check over every row.
 */
import { MaskingScan, type MaskingScanState } from './maskingValue';
import { nonFiniteMessages } from './validate';
import type { countNonFinite } from '../runtime/array';
import type { DataInfo } from '../protocol/runtimeTasks';

export type Role = 'x' | 'y' | 'sampleWeight';

export type NonFiniteCounts = ReturnType<typeof countNonFinite>;

/** One checked array's findings so far. */
export interface ArrayCheckState {
  role: Role;
  label: string;
  masking: { layer: string; value: number; scan: MaskingScanState } | null;
  counts: NonFiniteCounts;
}

/** Non-finite counts of rows from `rowOffset` on, added to those of the rows before. */
export function addCounts(a: NonFiniteCounts, b: NonFiniteCounts, rowOffset: number): NonFiniteCounts {
  const shift = (p: number[] | null) => (p ? [p[0] + rowOffset, ...p.slice(1)] : null);
  return {
    nan: a.nan + b.nan,
    inf: a.inf + b.inf,
    firstNaN: a.firstNaN ?? shift(b.firstNaN),
    firstInf: a.firstInf ?? shift(b.firstInf),
  };
}

/** The checks of consecutive parts of the rows (each the same arrays, in the same order), in row order. */
export function mergeCheckStates(parts: readonly (readonly ArrayCheckState[])[]): ArrayCheckState[] {
  const [first, ...rest] = parts;
  if (!first) return [];
  return first.map((array, i) => {
    const all = [array, ...rest.map((p) => p[i])];
    // Positions are already absolute (each part counts from its first row): no shift.
    const counts = all.reduce<NonFiniteCounts>((a, b) => addCounts(a, b.counts, 0), {
      nan: 0,
      inf: 0,
      firstNaN: null,
      firstInf: null,
    });
    const m = array.masking;
    const masking = m
      ? {
          ...m,
          scan: MaskingScan.merged(
            m.value,
            all.map((a) => a.masking?.scan ?? { masksSomething: false, samples: 0, pads: [], shapeOk: true }),
          ).state(),
        }
      : null;
    return { ...array, counts, masking };
  });
}

/**
 * The findings over every row: warnings, and the NaN and infinity counts by role added to
 * `info`. With nanPolicy 'error', the first refuses.
 */
export function checkFindings(
  arrays: readonly ArrayCheckState[],
  info: Pick<DataInfo, 'nan' | 'inf'>,
  nanPolicy: 'report' | 'error',
): string[] {
  const warnings: string[] = [];
  for (const a of arrays) {
    if (a.masking) {
      const missed = MaskingScan.merged(a.masking.value, [a.masking.scan]).verdict(a.masking.layer, a.label);
      if (missed) warnings.push(missed);
    }
    const finding = nonFiniteMessages(a.counts, a.label, a.label, nanPolicy);
    info.nan[a.role] += finding.nan;
    info.inf[a.role] += finding.inf;
    warnings.push(...finding.messages);
  }
  return warnings;
}
