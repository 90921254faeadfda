/**
 * The probe task: reports which TensorFlow backend this worker runs and, when asked, keeps
 * the worker busy with real tensor work for a while (used to warm the pool and to prove that
 * cancellation frees a busy worker promptly).
 */
import { threadId } from 'node:worker_threads';
import type { ProbeRequest, ProbeResult } from '../core/protocol/probe';
import { TaskCancelledError, UserFacingError, type TaskContext } from '../core/protocol/task';
import { loadTf } from './tf';

/**
 * The probe's test faults: a real native crash of the whole process from this worker thread,
 * what a fault inside TensorFlow does, or a thread stuck where no cancellation reaches it. Only
 * a process started with MASKLENS_TEST_HOOKS=1 (the tests' runtime processes; never the
 * extension's) honours them.
 */
function faultForTests(fault: NonNullable<ProbeRequest['testFault']>): void {
  if (process.env.MASKLENS_TEST_HOOKS !== '1') {
    throw new UserFacingError(
      `The probe's testFault '${fault}' is a test hook; this process was not started with MASKLENS_TEST_HOOKS=1, so it refuses it.`,
      'test-hooks-disabled',
    );
  }
  if (fault === 'malformed-reply') {
    throw new UserFacingError(
      `The probe's testFault '${fault}' is answered by the runtime process itself and never reaches a worker.`,
      'test-hooks-misrouted',
    );
  }
  if (fault === 'hang') {
    // Ten minutes in which the thread runs no JavaScript: only terminating the worker ends it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
    throw new UserFacingError("The probe's hang test fault ran out before anything stopped it.", 'test-fault-failed');
  }
  // process.abort() is refused in worker threads; the signal it would raise ends the process the same way.
  process.kill(process.pid, fault === 'abort' ? 'SIGABRT' : 'SIGSEGV');
  // The signal ends the process; this thread must not go on to answer in the meantime.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  throw new UserFacingError(`The ${fault} signal was sent to the process but did not end it.`, 'test-fault-failed');
}

export async function probeTask(request: ProbeRequest, ctx: TaskContext): Promise<ProbeResult> {
  if (request.testFault) faultForTests(request.testFault);
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
      ctx.progress({
        type: 'progress',
        fraction: Math.min(1, (performance.now() - started) / request.workMs),
        message: `${matMuls} matMuls`,
      });
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
