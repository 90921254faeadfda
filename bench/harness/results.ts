/** What bench/results.json holds: one row per measured quantity. */
import type { Summary } from './stats';

export interface Side {
  summary: Summary | null;
  /** Why this side has no numbers (a failure, recorded instead of faking them). */
  error: string | null;
}

export interface Row {
  workload: 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7';
  measure: string;
  /** What is timed on each side, in words. */
  how: string;
  masklens: Side;
  /** Null where the workload has no Keras counterpart (W4, W5). */
  keras: Side | null;
  /** MaskLens median / Keras median (W5: throughput of 2 workers / 1 worker). */
  ratio: number | null;
  target: { text: string; met: boolean | null } | null;
  /** FLOPs of the work one sample of this row does (absent where meaningless). */
  flops?: number;
  notes: string[];
}

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  mhz: number | null;
  simd: string[];
  ramGB: number;
  /** 1/5/15-minute load averages when the run started and when it ended: other load skews timings. */
  loadAverage: { start: number[]; end: number[] };
  node: string;
  tfjsNode: string;
  python: Record<string, string>;
  threads: { masklensWorkersW1toW3: number; intraOp: number; interOp: number };
  peak: { measuredFlops: number | null; measuredHow: string; theoreticalFlops: number | null; theoreticalHow: string };
}

export interface Results {
  machine: Machine;
  settings: { reps: number; minReps: number; budgetSecondsPerWorkload: number; only: string[] | null };
  rows: Row[];
}

export function side(
  samples: number[] | undefined,
  error: string | null,
  summarize: (s: number[]) => Summary | null,
): Side {
  return {
    summary: samples && samples.length > 0 ? summarize(samples) : null,
    error: error ?? (samples && samples.length > 0 ? null : 'no samples'),
  };
}
