/**
 * One W5 measurement in a fresh process: a pool of N workers made as the extension makes it
 * (so TensorFlow's threads per worker are cores / N), every worker warmed until its task time
 * has settled, then rounds of 8 evaluate tasks submitted at once, each timed until its last
 * result; the median round is the measurement. A fresh process per pool size because
 * TensorFlow reads its thread counts once per process.
 * Usage: node --import tsx bench/workloads/scaling-child.ts WORKERS; prints one JSON line.
 */
import { join } from 'node:path';
import { MaskLensPool } from '../../src/pool/pool';
import { loadModel } from '../harness/masklens';
import { peakRssBytes, resetPeakRss } from '../harness/memory';

const TASKS = 8;
/**
 * A worker's task time settles after about 15 tasks (seed 002: ~600 ms, then ~50 ms, then
 * ~31 ms from the 16th on): its isolate compiles and tiers up its own code and sizes its heap.
 * The long-lived pool of an editor session runs in that steady state, so that is what W5 compares.
 */
const WARMUP_PER_WORKER = Number(process.env.BENCH_W5_WARMUP ?? 30);
/** Rounds of 8 tasks per process: one round of ~250 ms is at the mercy of a single hiccup. */
const ROUNDS = Number(process.env.BENCH_W5_ROUNDS ?? 7);

async function main(): Promise<void> {
  const workers = Number(process.argv[2]);
  const root = join(__dirname, '..', '..');
  const { model } = await loadModel(join(root, 'examples', 'seed002_lambda_with_mask.py'));
  // The extension's default data for a file without arrays: 8 seeded synthetic samples.
  const request = {
    kind: 'evaluate' as const,
    model,
    data: { source: 'synthetic' as const, samples: 8, seed: 42 },
    layerOutputs: false,
  }; // as the extension asks (src/extension/requests.ts)
  const pool = new MaskLensPool({
    workerFile: join(root, 'dist', 'worker.js'),
    workers,
    maxQueue: Math.max(TASKS, workers * WARMUP_PER_WORKER),
  });
  try {
    await Promise.all(Array.from({ length: workers * WARMUP_PER_WORKER }, () => pool.run(request).result));
    const rounds: number[] = [];
    let backend = '';
    const rssReset = resetPeakRss(); // the timed rounds' peak, warm-up excluded
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: TASKS }, () => pool.run(request).result));
      rounds.push(performance.now() - t0);
      backend = results[0].backend;
    }
    const wallMs = [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
    const peak = rssReset ? peakRssBytes() : null;
    process.stdout.write(`${JSON.stringify({ wallMs, rounds, backend, plan: pool.state.plan, peakRssBytes: peak })}\n`);
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
