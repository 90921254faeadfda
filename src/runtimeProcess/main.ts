/**
 * The runtime process (dist/runtime.js): the extension starts it as a language client starts its
 * server, and it hosts the Piscina pool whose worker threads run TensorFlow. A native fault in
 * TensorFlow (an abort, a segfault) ends this process, never the extension host.
 *
 * It speaks JSON-RPC over the IPC channel of `child_process.fork` (see
 * src/core/protocol/runtimeProcess.ts) and exits when that channel closes: after `shutdown`, or
 * when the extension host itself went away.
 */
import { join } from 'node:path';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  ErrorCodes,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { z } from 'zod';
import {
  cancelParamsSchema,
  RUNTIME_METHODS,
  runParamsSchema,
  startParamsSchema,
  TASK_FAILED_CODE,
  type ProgressParams,
  type RuntimePoolState,
  type StartResult,
  type TaskErrorData,
} from '../core/protocol/runtimeProcess';
import { PoolTaskError } from '../pool/errors';
import { MaskLensPool, type TaskHandle } from '../pool/pool';
import { answerMalformed, asksForMalformedReply, testHooksEnabled } from './testFaults';

function parse<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ResponseError(ErrorCodes.InvalidParams, `malformed ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function taskError(error: unknown): ResponseError<TaskErrorData> {
  if (error instanceof PoolTaskError)
    return new ResponseError(TASK_FAILED_CODE, error.message, { code: error.code, location: error.location });
  return new ResponseError(TASK_FAILED_CODE, error instanceof Error ? error.message : String(error), {
    code: 'internal',
  });
}

function serve(connection: MessageConnection, workerFile: string): void {
  let pool: MaskLensPool | undefined;
  const tasks = new Map<number, Omit<TaskHandle<unknown>, 'kind'>>();

  connection.onRequest(RUNTIME_METHODS.start, (raw: unknown): StartResult => {
    const params = parse(startParamsSchema, raw, `${RUNTIME_METHODS.start} parameters`);
    if (pool) throw new ResponseError(ErrorCodes.InvalidRequest, 'the pool is already started');
    pool = new MaskLensPool({
      workerFile,
      workers: params.workers,
      maxQueue: params.maxQueue,
      workerHeapMB: params.workerHeapMB,
      cancelGraceMs: params.cancelGraceMs,
    });
    pool.onDidChangeState((state: RuntimePoolState) => void connection.sendNotification(RUNTIME_METHODS.state, state));
    return { pid: process.pid, state: pool.state, testHooks: testHooksEnabled() };
  });

  connection.onRequest(RUNTIME_METHODS.run, async (raw: unknown): Promise<unknown> => {
    const { taskId, request } = parse(runParamsSchema, raw, `${RUNTIME_METHODS.run} parameters`);
    if (!pool) throw new ResponseError(ErrorCodes.InvalidRequest, `${RUNTIME_METHODS.start} must come first`);
    if (tasks.has(taskId)) throw new ResponseError(ErrorCodes.InvalidParams, `task ${taskId} is already running`);
    if (asksForMalformedReply(request)) return answerMalformed(connection, taskId);
    const handle = pool.runReceived(request, {
      onProgress: (event) =>
        void connection.sendNotification(RUNTIME_METHODS.progress, { taskId, event } satisfies ProgressParams),
    });
    tasks.set(taskId, handle);
    try {
      return await handle.result;
    } catch (error) {
      throw taskError(error);
    } finally {
      tasks.delete(taskId);
    }
  });

  connection.onNotification(RUNTIME_METHODS.cancel, (raw: unknown) => {
    const params = cancelParamsSchema.safeParse(raw);
    if (params.success) tasks.get(params.data.taskId)?.cancel(params.data.reason);
    else
      process.stderr.write(
        `masklens runtime: ignored a malformed ${RUNTIME_METHODS.cancel}: ${z.prettifyError(params.error)}\n`,
      );
  });

  connection.onRequest(RUNTIME_METHODS.shutdown, async () => {
    for (const task of tasks.values()) task.cancel('stopped: the runtime process is shutting down');
    await pool?.close();
    pool = undefined;
    return null;
  });
}

if (!process.send) {
  process.stderr.write(
    'masklens runtime: start this process with child_process.fork; it talks over the IPC channel.\n',
  );
  process.exit(2);
}
const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
serve(connection, join(__dirname, 'worker.js'));
// The channel closes after shutdown, or because the extension host is gone: either way, stop
// (TensorFlow's threads would keep the process alive otherwise).
process.on('disconnect', () => process.exit(0));
connection.listen();
