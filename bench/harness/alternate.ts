/**
 * Alternating repetitions: MaskLens, Keras, MaskLens, Keras … so that slow drifts of the
 * machine (other load, thermal state) hit both sides alike. Warm-up runs happen before this,
 * in the workloads, and are not recorded.
 */

export type Metrics = Record<string, number>;

export interface SideRunner {
  /** 'masklens', 'keras', or another label (W5 alternates pool sizes). */
  side: string;
  run(): Promise<Metrics>;
}

export interface SideSamples {
  metrics: Record<string, number[]>;
  /** The first failure; the side is not run again after it. */
  error: string | null;
}

export interface RepetitionPolicy {
  /** Repetitions wanted (BENCH_REPS). */
  reps: number;
  /** Fewer than this many are never taken, whatever the budget. */
  minReps: number;
  /** Stop early once this much wall time is spent and minReps are done (keeps `npm run bench` bounded). */
  budgetMs: number;
}

export async function alternate(
  runners: SideRunner[],
  policy: RepetitionPolicy,
  log: (s: string) => void,
): Promise<Record<string, SideSamples>> {
  const out: Record<string, SideSamples> = {};
  for (const r of runners) out[r.side] = { metrics: {}, error: null };
  const t0 = performance.now();
  for (let rep = 0; rep < policy.reps; rep++) {
    for (const r of runners) {
      const s = out[r.side];
      if (s.error !== null) continue;
      try {
        const m = await r.run();
        for (const [k, v] of Object.entries(m)) (s.metrics[k] ??= []).push(v);
        log(
          `    ${r.side.padEnd(8)} rep ${rep + 1}: ${Object.entries(m)
            .map(([k, v]) => (k.endsWith('Bytes') ? `${k} ${(v / 2 ** 20).toFixed(0)} MB` : `${k} ${v.toFixed(1)} ms`))
            .join(', ')}`,
        );
      } catch (error) {
        s.error = error instanceof Error ? error.message : String(error);
        log(`    ${r.side.padEnd(8)} failed: ${s.error}`);
      }
    }
    if (rep + 1 >= policy.minReps && performance.now() - t0 > policy.budgetMs) {
      if (rep + 1 < policy.reps)
        log(`    time budget of ${(policy.budgetMs / 1000).toFixed(0)} s spent: stopping after ${rep + 1} repetitions`);
      break;
    }
  }
  return out;
}
