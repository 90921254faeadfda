/** `masklens probe [--workers N] [--json]`: which backend each worker runs. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MaskLensPool } from '../pool/pool';
import { type CliIO, parseCommandLine, positiveInteger, UsageError } from './options';

const USAGE = `usage: masklens probe [--workers N] [--json]
  Starts the worker pool and reports which TensorFlow backend each worker runs.
`;

/** The worker bundle sits next to the CLI bundle in dist/. */
export function workerFile(): string {
  return join(__dirname, 'worker.js');
}

export async function runProbe(argv: string[], io: CliIO): Promise<number> {
  let workers: number;
  let json: boolean;
  try {
    const { values } = parseCommandLine(() => parseArgs({ args: argv, options: { workers: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
    workers = positiveInteger(values.workers, '--workers') ?? 0;
    json = values.json ?? false;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`masklens probe: ${error.message}\n${USAGE}`);
    return 2;
  }
  const pool = new MaskLensPool({ workerFile: workerFile(), workers });
  try {
    const n = pool.state.workers;
    const results = await Promise.all(Array.from({ length: n }, () => pool.run({ kind: 'probe', workMs: 200, matrixSize: 64 }).result));
    if (json) io.stdout(`${JSON.stringify({ plan: pool.state.plan, workers: results }, null, 2)}\n`);
    else for (const r of results) io.stdout(`worker ${r.threadId}: ${r.backend.backend}${r.backend.fallbackReason ? ` (${r.backend.fallbackReason})` : ''}, ${r.matMuls} matMuls in ${r.elapsedMs.toFixed(0)} ms\n`);
    return results.every((r) => r.backend.backend === 'tensorflow') ? 0 : 1;
  } finally {
    await pool.close();
  }
}
