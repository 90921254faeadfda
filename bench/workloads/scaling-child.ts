/**
 * One W5 measurement in a fresh process: a pool of N workers made as the extension makes it
 * (so TensorFlow's threads per worker are cores / N), every worker warmed by three tasks, then 8
 * evaluate tasks submitted at once and timed until the last result. A fresh process per pool
 * size because TensorFlow reads its thread counts once per process.
 * Usage: node --import tsx bench/workloads/scaling-child.ts WORKERS; prints one JSON line.
 */
import { join } from 'node:path';
import { MaskLensPool } from '../../src/pool/pool';
import { loadModel } from '../harness/masklens';

const TASKS = 8;
const WARMUP_PER_WORKER = Number(process.env.BENCH_W5_WARMUP ?? 3);

async function main(): Promise<void> {
  const workers = Number(process.argv[2]);
  const root = join(__dirname, '..', '..');
  const { model } = await loadModel(join(root, 'examples', 'seed002_lambda_with_mask.py'));
  // The extension's default data for a file without arrays: 8 seeded synthetic samples.
  const request = { kind: 'evaluate' as const, model, data: { source: 'synthetic' as const, samples: 8, seed: 42 }, layerOutputs: false }; // as the extension asks (src/extension/requests.ts)
  const pool = new MaskLensPool({ workerFile: join(root, 'dist', 'worker.js'), workers, maxQueue: Math.max(TASKS, workers * WARMUP_PER_WORKER) });
  try {
    // Each worker is a separate V8 isolate that compiles and tiers up its own code: warm every
    // worker with several tasks so the timed ones compare steady states, as in a long-lived pool.
    await Promise.all(Array.from({ length: workers * WARMUP_PER_WORKER }, () => pool.run(request).result));
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: TASKS }, () => pool.run(request).result));
    const wallMs = performance.now() - t0;
    process.stdout.write(`${JSON.stringify({ wallMs, backend: results[0].backend, plan: pool.state.plan })}\n`);
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
