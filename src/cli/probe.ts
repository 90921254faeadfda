/** `masklens probe [--workers N] [--json]`: which backend and TensorFlow library each worker runs. */
import { parseArgs } from 'node:util';
import { type CliIO, parseCommandLine, positiveInteger, UsageError } from './options';
import { cliRuntime, TENSORFLOW_OPTIONS, TENSORFLOW_USAGE, tensorflowOptions } from './runtime';

const USAGE = `usage: masklens probe [--workers N] [--json] [--tensorflow DIR] [--download-tensorflow] [--verbose]
  Starts TensorFlow's process and reports which backend and which TensorFlow library each worker runs.
${TENSORFLOW_USAGE}`;

export async function runProbe(argv: string[], io: CliIO): Promise<number> {
  let workers: number;
  let json: boolean;
  let tensorflow: ReturnType<typeof tensorflowOptions>;
  try {
    const { values } = parseCommandLine(() =>
      parseArgs({
        args: argv,
        options: { workers: { type: 'string' }, json: { type: 'boolean' }, ...TENSORFLOW_OPTIONS },
        strict: true,
      }),
    );
    workers = positiveInteger(values.workers, '--workers') ?? 1;
    json = values.json ?? false;
    tensorflow = tensorflowOptions(values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`masklens probe: ${error.message}\n${USAGE}`);
    return 2;
  }
  const runtime = cliRuntime(tensorflow, io, workers);
  try {
    // One probe per worker, each busy long enough that the next one lands on another worker.
    const results = await Promise.all(
      Array.from({ length: workers }, () => runtime.run({ kind: 'probe', workMs: 200, matrixSize: 64 }).result),
    );
    if (json) io.stdout(`${JSON.stringify({ plan: runtime.state?.plan, workers: results }, null, 2)}\n`);
    else {
      for (const r of results) {
        const b = r.backend;
        const library = b.libraryPath
          ? `TensorFlow ${b.tensorflowVersion ?? '?'} from ${b.libraryPath}${b.libraryOrigin ? ` (${b.libraryOrigin})` : ''}`
          : (b.fallbackReason ?? '');
        io.stdout(
          `worker ${r.threadId}: ${b.backend}, ${library}; ${r.matMuls} matMuls in ${r.elapsedMs.toFixed(0)} ms\n`,
        );
      }
    }
    return results.every((r) => r.backend.backend === 'tensorflow') ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`masklens probe: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
