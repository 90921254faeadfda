/**
 * Data as rows (samples) to be taken, rather than one array held whole: an evaluation reads
 * the rows of each chunk as it needs them, so a file can be larger than what the task may hold.
 * An array already in memory is one kind of source; a `.npy` file read at byte offsets
 * (src/worker/npyFile.ts) is another, and a CSV file read by byte ranges of rows
 * (src/worker/csvFile.ts) a third.
 */
import { type ArrayKind, type NdArray, takeRows } from '../runtime/array';

export interface RowSource {
  /** The whole array's shape, samples first. */
  readonly shape: readonly number[];
  readonly kind: ArrayKind;
  readonly sourceDtype: string;
  /** The array itself when it is held in memory; null when its rows are read on demand. */
  readonly whole: NdArray | null;
  /** Rows `indices` of the first axis, in that order. */
  take(indices: readonly number[]): NdArray;
}

/** Rows read from a file kept open: what the reads came to, and the file to close once the task is done. */
export interface FileRows extends RowSource {
  /** The most bytes one `take` read from the file (what a chunk holds of it, before conversion). */
  readonly largestRead: number;
  /** Rows read from the file so far, over every `take` (an evaluation reads each row once). */
  readonly rowsRead: number;
  close(): void;
}

export function inMemory(a: NdArray): RowSource {
  return {
    shape: a.shape,
    kind: a.kind,
    sourceDtype: a.sourceDtype,
    whole: a,
    take: (indices) => takeRows(a, indices),
  };
}

/** The same rows seen with another per-sample shape of the same size (a CSV row read as steps × features). */
export function reshapedRows(source: RowSource, shape: readonly number[]): RowSource {
  const perSample = shape.slice(1);
  return {
    shape,
    kind: source.kind,
    sourceDtype: source.sourceDtype,
    whole: source.whole ? { ...source.whole, shape: [...shape] } : null,
    take: (indices) => {
      const rows = source.take(indices);
      return { ...rows, shape: [indices.length, ...perSample] };
    },
  };
}

/** Runs of consecutive indices ([start, end) pairs), so a file source reads each run at once. */
export function consecutiveRuns(indices: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}
