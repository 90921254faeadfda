/** What every workload gets from the harness. */
import type { MaskLensPool } from '../../src/pool/pool';
import type { RuntimeClient } from '../../src/runtimeProcess/client';
import type { RepetitionPolicy } from './alternate';
import type { KerasServer } from './keras';
import type { Row } from './results';

export interface BenchContext {
  root: string;
  /** The run's temporary folder: .npy data and the Keras initial weights. */
  dataDir: string;
  python: string;
  /** Environment both sides' child processes get (thread counts, quiet TensorFlow). */
  env: NodeJS.ProcessEnv;
  /** The one-worker pool for W1 and W3, in the harness's own process. */
  pool(): Promise<MaskLensPool>;
  /** A one-worker runtime process, started through the client the extension uses (W2 warm: the process hop included). */
  runtime(): Promise<RuntimeClient>;
  /** Keras on TensorFlow: it generates the data and the initial weights. */
  keras(): Promise<KerasServer>;
  /** Keras on JAX, fed the same files; throws (once per call) when its venv cannot be had. */
  kerasJax(): Promise<KerasServer>;
  /** The JAX venv's interpreter, for workloads that run Keras in a fresh process; throws one sentence saying why not. */
  jaxPython(): string;
  policy: RepetitionPolicy;
  log(line: string): void;
}

export type Workload = (ctx: BenchContext) => Promise<Row[]>;

/**
 * `env` without the thread counts the harness pins for W1–W3 (harness/main.ts), so a pool of
 * several workers plans its own, as the extension's pool does (cores / workers each).
 */
export function withoutPinnedThreads(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = { ...env };
  for (const k of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS', 'BENCH_THREADS'])
    delete own[k];
  return own;
}
