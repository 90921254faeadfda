/**
 * The worker pool on the real native backend: concurrency across workers, cancellation,
 * a worker dying mid-task, the queue bound, and request validation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { MaskLensPool } from '../../src/pool/pool';
import { ProtocolError, QueueFullError, TaskCancelled, WorkerCrashedError } from '../../src/pool/errors';

const workerFile = join(__dirname, '..', '..', 'dist', 'worker.js');

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('worker pool on native TensorFlow', () => {
  test('two workers run TensorFlow concurrently and both report the native backend', async () => {
    const pool = new MaskLensPool({ workerFile, workers: 2 });
    try {
      const startedAt: number[] = [];
      const finishedAt: number[] = [];
      const run = () =>
        pool
          .run(
            { kind: 'probe', workMs: 1500, matrixSize: 128 },
            { onProgress: (e) => e.type === 'started' && startedAt.push(performance.now()) },
          )
          .result.then((r) => {
            finishedAt.push(performance.now());
            return r;
          });
      const [a, b] = await Promise.all([run(), run()]);
      for (const r of [a, b]) {
        assert.equal(r.backend.backend, 'tensorflow', `worker ${r.threadId} fell back: ${r.backend.fallbackReason}`);
        assert.equal(r.backend.fallbackReason, null);
        assert.ok(r.matMuls > 0);
        assert.equal(r.tensorsAfter, r.tensorsBefore, 'the probe leaked tensors');
      }
      assert.notEqual(a.threadId, b.threadId, 'both tasks ran on the same worker thread');
      // Concurrent, not serial: both had started before either finished (a busy machine slows
      // both down, but cannot make overlapping tasks look serial).
      assert.equal(startedAt.length, 2, 'each task reports when a worker starts it');
      assert.ok(
        Math.max(...startedAt) < Math.min(...finishedAt),
        `the second task started ${(Math.max(...startedAt) - Math.min(...finishedAt)).toFixed(0)} ms after the first finished: they did not overlap`,
      );
      assert.equal(pool.state.plan.intraOpThreads >= 1, true);
      assert.equal(process.env.TF_NUM_INTRAOP_THREADS, String(pool.state.plan.intraOpThreads));
    } finally {
      await pool.close();
    }
  });

  describe('with one worker', () => {
    let pool: MaskLensPool;
    before(() => {
      pool = new MaskLensPool({ workerFile, workers: 1, maxQueue: 1, cancelGraceMs: 2000 });
    });
    after(async () => pool.close());

    test("a task's progress events all arrive before its result", async () => {
      // The probe posts one progress event per 16 matMuls: by the time the result resolves, each must have arrived.
      for (let round = 0; round < 10; round++) {
        let events = 0;
        const r = await pool.run(
          { kind: 'probe', workMs: 150, matrixSize: 4 },
          { onProgress: (e) => e.type === 'progress' && events++ },
        ).result;
        assert.equal(
          events,
          Math.floor(r.matMuls / 16),
          `round ${round}: ${events} of ${Math.floor(r.matMuls / 16)} progress events had arrived when the result did`,
        );
      }
    });

    test('a cancelled long task frees its worker promptly', async () => {
      let running = false;
      const handle = pool.run(
        { kind: 'probe', workMs: 60_000, matrixSize: 64 },
        { onProgress: (e) => (running ||= e.type === 'progress') },
      );
      await waitFor(() => running, 30_000);
      const t0 = Date.now();
      handle.cancel('cancelled by test');
      await assert.rejects(
        handle.result,
        (e: unknown) => e instanceof TaskCancelled && /cancelled by test/.test(e.message),
      );
      const stopMs = Date.now() - t0;
      assert.ok(stopMs < 1000, `cancellation took ${stopMs} ms`);
      const next = await pool.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result;
      assert.equal(next.backend.backend, 'tensorflow');
      assert.equal(pool.state.running, 0);
    });

    test('a terminated worker fails only its own task, with a clear error, and the next task succeeds', async () => {
      let started = false;
      const handle = pool.run(
        { kind: 'probe', workMs: 60_000, matrixSize: 64 },
        { onProgress: (e) => (started ||= e.type === 'progress') },
      );
      await waitFor(() => started, 30_000);
      const [thread] = pool.threads;
      assert.ok(thread, 'no worker thread to terminate');
      await thread.terminate();
      await assert.rejects(
        handle.result,
        (e: unknown) =>
          e instanceof WorkerCrashedError &&
          /stopped unexpectedly/.test(e.message) &&
          /other tasks continue/.test(e.message),
      );
      const next = await pool.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result;
      assert.equal(next.backend.backend, 'tensorflow');
    });

    test('the queue is bounded: a task beyond it is refused at once', async () => {
      let started = false;
      const busy = pool.run(
        { kind: 'probe', workMs: 60_000, matrixSize: 32 },
        { onProgress: (e) => (started ||= e.type === 'started') },
      );
      await waitFor(() => started, 30_000);
      const queued = pool.run({ kind: 'probe', workMs: 0, matrixSize: 8 });
      const refused = pool.run({ kind: 'probe', workMs: 0, matrixSize: 8 });
      await assert.rejects(refused.result, QueueFullError);
      busy.cancel();
      await assert.rejects(busy.result, TaskCancelled);
      assert.equal((await queued.result).backend.backend, 'tensorflow');
    });

    test('a malformed request is rejected before it reaches a worker', async () => {
      const bad = pool.run({ kind: 'probe', workMs: -5, matrixSize: 8 });
      await assert.rejects(bad.result, ProtocolError);
    });
  });
});
