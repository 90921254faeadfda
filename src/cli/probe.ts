/** `masklens probe [--workers N] [--json]`: which backend each worker runs. */
import { join } from 'node:path';
import { MaskLensPool } from '../pool/pool';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The worker bundle sits next to the CLI bundle in dist/. */
export function workerFile(): string {
  return join(__dirname, 'worker.js');
}

export async function runProbe(argv: string[], io: CliIo): Promise<number> {
  const workersArg = argv.indexOf('--workers');
  const workers = workersArg >= 0 ? Number(argv[workersArg + 1]) : 0;
  const pool = new MaskLensPool({ workerFile: workerFile(), workers });
  try {
    const n = pool.state.workers;
    const results = await Promise.all(Array.from({ length: n }, () => pool.run({ kind: 'probe', workMs: 200, matrixSize: 64 }).result));
    if (argv.includes('--json')) io.stdout(`${JSON.stringify({ plan: pool.state.plan, workers: results }, null, 2)}\n`);
    else for (const r of results) io.stdout(`worker ${r.threadId}: ${r.backend.backend}${r.backend.fallbackReason ? ` (${r.backend.fallbackReason})` : ''}, ${r.matMuls} matMuls in ${r.elapsedMs.toFixed(0)} ms\n`);
    return results.every((r) => r.backend.backend === 'tensorflow') ? 0 : 1;
  } finally {
    await pool.close();
  }
}
