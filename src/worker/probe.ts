/**
 * The probe task: reports which TensorFlow backend this worker runs and, when asked, keeps
 * the worker busy with real tensor work for a while (used to warm the pool and to prove that
 * cancellation frees a busy worker promptly).
 */
import { threadId } from 'node:worker_threads';
import type { ProbeRequest, ProbeResult } from '../core/protocol/probe';
import { TaskCancelledError, type TaskContext } from '../core/protocol/task';
import { loadTf } from './tf';

export async function probeTask(request: ProbeRequest, ctx: TaskContext): Promise<ProbeResult> {
  const { tf, info } = loadTf();
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  const n = request.matrixSize;
  let matMuls = 0;
  let checksum = 0;
  do {
    if (ctx.cancelled()) throw new TaskCancelledError();
    const value = tf.tidy(() => {
      const a = tf.randomUniform([n, n], -1, 1, 'float32', matMuls + 1);
      return tf.matMul(a, a).mean();
    });
    checksum += (await value.data())[0];
    value.dispose();
    matMuls++;
    if (request.workMs > 0 && matMuls % 16 === 0) {
      ctx.progress({ type: 'progress', fraction: Math.min(1, (performance.now() - started) / request.workMs), message: `${matMuls} matMuls` });
    }
  } while (performance.now() - started < request.workMs);
  return {
    kind: 'probe',
    backend: info,
    threadId,
    matMuls,
    checksum,
    elapsedMs: performance.now() - started,
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
  };
}
