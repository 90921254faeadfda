/**
 * W5 — pool scaling: the same 8 tasks of real TensorFlow work on 1 and on 2 workers.
 * Reports throughput and the ratio; run with `node --import tsx bench/pool-scaling.bench.ts`
 * after `npm run compile`. A benchmark, not a test: it asserts nothing.
 */
import { join } from 'node:path';
import { MaskLensPool } from '../src/pool/pool';

const workerFile = join(__dirname, '..', 'dist', 'worker.js');
const TASKS = 8;
const WORK_MS = 1000;

async function run(workers: number): Promise<{ wallMs: number; matMuls: number; backend: string }> {
  const pool = new MaskLensPool({ workerFile, workers, maxQueue: TASKS });
  try {
    // Warm every worker first: loading TensorFlow is not part of the measurement.
    await Promise.all(
      Array.from({ length: workers }, () => pool.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result),
    );
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: TASKS }, () => pool.run({ kind: 'probe', workMs: WORK_MS, matrixSize: 256 }).result),
    );
    return {
      wallMs: performance.now() - t0,
      matMuls: results.reduce((s, r) => s + r.matMuls, 0),
      backend: results[0].backend.backend,
    };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const one = await run(1);
  const two = await run(2);
  const rate = (r: typeof one) => r.matMuls / (r.wallMs / 1000);
  console.log(`backend: ${one.backend}`);
  console.log(`1 worker : ${TASKS} tasks in ${one.wallMs.toFixed(0)} ms, ${rate(one).toFixed(0)} matMul/s (256×256)`);
  console.log(`2 workers: ${TASKS} tasks in ${two.wallMs.toFixed(0)} ms, ${rate(two).toFixed(0)} matMul/s (256×256)`);
  console.log(
    `wall-clock speed-up: ${(one.wallMs / two.wallMs).toFixed(2)}×; throughput ratio: ${(rate(two) / rate(one)).toFixed(2)}×`,
  );
}

void main();
