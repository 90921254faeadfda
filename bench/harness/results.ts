/** What bench/results.json holds: one row per measured quantity. */
import type { SideSamples } from './alternate';
import { type Summary, summarize } from './stats';

export interface Side {
  summary: Summary | null;
  /** Why this side has no numbers (a failure, recorded instead of faking them). */
  error: string | null;
}

/** The two Keras references. */
export type KerasBackend = 'TensorFlow' | 'JAX';

/** Peak resident memory (bytes) during the row's runs, the highest over its repetitions; null: not measured. */
export interface PeakRss {
  masklens: number | null;
  keras: number | null;
  kerasJax: number | null;
}

export interface Row {
  workload: 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7' | 'W8';
  measure: string;
  /** What is timed on each side, in words. */
  how: string;
  masklens: Side;
  /** Keras on TensorFlow; null where the workload has no Keras counterpart (W4, W5). */
  keras: Side | null;
  /** Keras on JAX, where the workload has a Keras counterpart. */
  kerasJax?: Side | null;
  /**
   * MaskLens median / the faster Keras backend's median in the same run (`ratioAgainst` says
   * which); W5: throughput of 2 workers / 1 worker.
   */
  ratio: number | null;
  ratioAgainst?: KerasBackend | null;
  peakRss?: PeakRss;
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

const highest = (values: number[] | undefined): number | null =>
  values && values.length > 0 ? Math.max(...values) : null;

/** Samples of one side: MaskLens, Keras on TensorFlow ('keras') and Keras on JAX ('keras-jax'). */
export type Sides = Record<string, SideSamples | undefined>;

/**
 * One measure compared across the sides `alternate` ran: every side's summary, the ratio
 * against the faster Keras backend, and each side's peak RSS (metric `peakRssBytes`).
 */
export function compared(
  got: Sides,
  key: string,
): Pick<Row, 'masklens' | 'keras' | 'kerasJax' | 'ratio' | 'ratioAgainst' | 'peakRss'> {
  const of = (name: string): Side => {
    const s = got[name];
    return s ? side(s.metrics[key], s.error, summarize) : { summary: null, error: 'not run' };
  };
  const masklens = of('masklens');
  const keras = of('keras');
  const kerasJax = of('keras-jax');
  const refs = [
    { backend: 'TensorFlow' as const, s: keras.summary },
    { backend: 'JAX' as const, s: kerasJax.summary },
  ].filter((r): r is { backend: KerasBackend; s: Summary } => r.s !== null);
  const faster = refs.sort((a, b) => a.s.median - b.s.median)[0] ?? null;
  return {
    masklens,
    keras,
    kerasJax,
    ratio: masklens.summary && faster ? masklens.summary.median / faster.s.median : null,
    ratioAgainst: faster ? faster.backend : null,
    peakRss: {
      masklens: highest(got.masklens?.metrics.peakRssBytes),
      keras: highest(got.keras?.metrics.peakRssBytes),
      kerasJax: highest(got['keras-jax']?.metrics.peakRssBytes),
    },
  };
}
