/**
 * The Piscina worker entry: validates each task, dispatches it by kind, and always answers
 * with one reply envelope (errors as data, so their code and location survive the thread hop).
 */
import { threadId } from 'node:worker_threads';
import { TASK_END, type ErrorReply, type Reply, type TaskMessage } from '../core/protocol/workerEnvelope';
import { TaskCancelledError, UserFacingError, type ProgressEvent, type TaskContext } from '../core/protocol/task';
import { kindOf, runReceivedTask } from './registry';

function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof TaskCancelledError) return { name: error.name, message: error.message, code: 'cancelled' };
  if (error instanceof UserFacingError)
    return { name: error.name, message: error.message, code: error.code, location: error.location };
  if (error instanceof Error) return { name: error.name, message: error.message, code: 'internal' };
  return { name: 'Error', message: String(error), code: 'internal' };
}

export default async function runTask(message: TaskMessage): Promise<Reply> {
  const port = message.progressPort as import('node:worker_threads').MessagePort;
  const flag = new Int32Array(message.cancelFlag);
  const ctx: TaskContext = {
    progress: (event: ProgressEvent) => port.postMessage(event),
    cancelled: () => Atomics.load(flag, 0) === 1,
  };
  ctx.progress({ type: 'started', threadId });
  try {
    const kind = kindOf(message.request);
    if (!kind) throw new UserFacingError('Unknown task kind', 'protocol');
    return { ok: true, result: await runReceivedTask(kind, message.request, ctx) };
  } catch (error) {
    return { ok: false, error: toErrorReply(error) };
  } finally {
    port.postMessage(TASK_END);
    port.close();
  }
}
