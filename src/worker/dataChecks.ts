/**
 * The checks every array gets as its rows are read: token ids an Embedding can take, NaN and
 * infinities (findings, or refused on request), and whether a Masking layer's mask_value
 * matches the padding. An array held whole is checked at once; an evaluation reading files by
 * rows checks each chunk as it reads it for the model, so a file is read once, not twice.
 */
import { addCounts, type ArrayCheckState, checkFindings, type Role } from '../core/data/checkFindings';
import { MaskingScan } from '../core/data/maskingValue';
import type { RowSource } from '../core/data/rowSource';
import { checkTokenIds, type InputExpectation } from '../core/data/validate';
import { countNonFinite, type NdArray } from '../core/runtime/array';
import type { DataInfo } from '../core/protocol/runtimeTasks';

export type { Role };

/** One array to check: its role, how it is named in messages, and what its model input expects (x only). */
export interface CheckedArray {
  role: Role;
  source: RowSource;
  label: string;
  expectation: (InputExpectation & { masking: { layer: string; value: number } | null }) | null;
}

type Counts = ReturnType<typeof countNonFinite>;

interface Progress {
  array: CheckedArray;
  masking: MaskingScan | null;
  counts: Counts;
  /** Rows checked so far, from the first: checks must see the rows in order. */
  done: number;
}

export class DataChecks {
  private readonly arrays: Progress[];
  private finished = false;
  /** Rows past the last one checked here (all of them, unless `only` narrowed it). */
  private end: number;

  constructor(
    arrays: CheckedArray[],
    private readonly samples: number,
    readonly nanPolicy: 'report' | 'error',
    synthetic: boolean,
  ) {
    this.arrays = arrays.map((array) => ({
      array,
      masking: array.expectation?.masking && !synthetic ? new MaskingScan(array.expectation.masking.value) : null,
      counts: { nan: 0, inf: 0, firstNaN: null, firstInf: null },
      done: 0,
    }));
    this.end = samples;
  }

  /**
   * Check only rows `start` to `end` (a shard of an evaluation split between workers; call
   * before any row is checked): the findings then cover those rows, as `state()` gives them.
   */
  only(start: number, end: number): void {
    for (const p of this.arrays) p.done = start;
    this.end = end;
  }

  /** Whether `source` is one of the arrays checked here. */
  covers(source: RowSource): boolean {
    return this.arrays.some((p) => p.array.source === source);
  }

  /**
   * Rows `start`.. of `source` (as read by the caller): checked for every role that array
   * holds (one file may be both x and y) whose next rows they are; rows read out of order, or
   * again, are left alone.
   */
  rows(source: RowSource, rows: NdArray, start: number): void {
    for (const p of this.arrays) if (p.array.source === source) this.check(p, rows, start);
  }

  private check(p: Progress, rows: NdArray, start: number): void {
    if (start !== p.done) return;
    const { expectation, label } = p.array;
    if (expectation) checkTokenIds(rows, expectation, label, start);
    p.masking?.add(rows);
    p.counts = addCounts(p.counts, countNonFinite(rows), start);
    p.done += rows.shape[0] ?? 0;
  }

  /** Checks whatever rows were not yet checked, `step` rows at a time (an array held whole at once). */
  rest(step: number, checkpoint?: () => void): void {
    for (const p of this.arrays) {
      const { source } = p.array;
      if (p.done === 0 && source.whole && this.end === this.samples) {
        checkpoint?.();
        this.check(p, source.whole, 0);
      }
      while (p.done < this.end) {
        checkpoint?.();
        const end = Math.min(this.end, p.done + Math.max(1, step));
        this.check(p, source.take(range(p.done, end)), p.done);
      }
    }
  }

  /** What the checks found so far, as plain data (call once every row to check was checked). */
  state(): ArrayCheckState[] {
    return this.arrays.map((p) => {
      const { role, label, expectation } = p.array;
      const masking = p.masking && expectation?.masking ? { ...expectation.masking, scan: p.masking.state() } : null;
      return { role, label, masking, counts: p.counts };
    });
  }

  /**
   * The findings over every row (call once every row was checked): warnings, and the NaN and
   * infinity counts by role added to `info`. With nanPolicy 'error', the first refuses.
   */
  finish(info: Pick<DataInfo, 'nan' | 'inf'>): string[] {
    if (this.finished) return [];
    this.finished = true;
    return checkFindings(this.state(), info, this.nanPolicy);
  }
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
