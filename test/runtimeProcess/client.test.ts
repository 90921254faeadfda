/**
 * The runtime process's client against the real runtime process (dist/runtime.js hosting the
 * pool, native TensorFlow in its workers): results and progress cross the process boundary,
 * cancellation reaches the worker, the process dying under its tasks fails exactly those tasks
 * with a message naming their model, the crash-loop throttle, malformed messages, settings
 * changes, and a runtime process that outlives no host.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAnalyzer } from '../../src/core/analysis/analyzer';
import type { RuntimeModel } from '../../src/core/protocol/runtimeTasks';
import { PoolTaskError, QueueFullError, TaskCancelled } from '../../src/pool/errors';
import type { RuntimeLog } from '../../src/runtimeProcess/childRuntime';
import { RuntimeClient, type RuntimeClientOptions } from '../../src/runtimeProcess/client';
import {
  RuntimeProcessCrashedError,
  RuntimeProtocolError,
  RuntimeUnavailableError,
} from '../../src/runtimeProcess/errors';

const root = join(__dirname, '..', '..');
const runtimeFile = join(root, 'dist', 'runtime.js');
const withHooks = { ...process.env, MASKLENS_TEST_HOOKS: '1' };
const withoutHooks = { ...process.env, MASKLENS_TEST_HOOKS: undefined };

interface LogLine {
  level: keyof RuntimeLog;
  line: string;
}

const clients: RuntimeClient[] = [];
function makeClient(options: Partial<RuntimeClientOptions> = {}): { client: RuntimeClient; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log: RuntimeLog = {
    debug: (line) => lines.push({ level: 'debug', line }),
    info: (line) => lines.push({ level: 'info', line }),
    warn: (line) => lines.push({ level: 'warn', line }),
    error: (line) => lines.push({ level: 'error', line }),
  };
  const client = new RuntimeClient({
    runtimeFile,
    settings: { workers: 2, maxQueue: 4, memoryCapMB: 2048 },
    env: withHooks,
    log,
    ...options,
  });
  clients.push(client);
  return { client, lines };
}
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process is gone (exited, or a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

async function modelOf(source: string): Promise<RuntimeModel> {
  const analyzer = await createAnalyzer();
  try {
    const ir = analyzer.analyze(source, { file: 'model.py', family: 'keras3' }).ir.models[0];
    assert.ok(ir, 'the analysis found no model');
    return {
      name: ir.name,
      config: ir.config,
      lambdas: ir.lambdas,
      training: { loss: ir.training.loss ?? undefined, epochs: ir.training.epochs, batchSize: ir.training.batchSize },
    };
  } finally {
    analyzer.dispose();
  }
}

let seed001: RuntimeModel;
let tagger: RuntimeModel;
before(async () => {
  seed001 = await modelOf(readFileSync(join(root, 'examples', 'seed001_embedding_dense_mse.py'), 'utf8'));
  // Trains for minutes unless stopped: a task that is surely in flight when its process dies.
  tagger = await modelOf(`from keras import Input, Model
from keras.layers import Dense, Embedding, LSTM
inp = Input(shape=(120,))
h = LSTM(64, return_sequences=True)(Embedding(50, 32, mask_zero=True)(inp))
tagger = Model(inp, Dense(1)(h))
tagger.compile(optimizer='adam', loss='mse')
`);
});

const longProbe = { kind: 'probe' as const, workMs: 60_000, matrixSize: 64 };
const quickProbe = { kind: 'probe' as const, workMs: 0, matrixSize: 8 };

describe('runtime process client', () => {
  test('a task runs in a process of its own; typed arrays and NaN cross intact', async () => {
    const { client } = makeClient();
    // Weights as Float32Array (as the benchmarks send them); the loss is recomputed here from them.
    const value = (i: number): number => Math.round(Math.sin(i + 1) * 1000) / 2000;
    const embeddings = Float32Array.from({ length: 25 }, (_, i) => value(i));
    const kernel = Float32Array.from({ length: 15 }, (_, i) => value(100 + i));
    const bias = Float32Array.from({ length: 3 }, (_, i) => value(200 + i));
    const y = Float32Array.from({ length: 12 }, (_, i) => i);
    y[10] = Number.NaN; // at timestep 3, which the mask hides: masking cannot hide NaN
    const result = await client.run({
      kind: 'evaluate',
      model: seed001,
      data: {
        source: 'inline',
        x: { shape: [1, 4], dtype: 'int32', values: Int32Array.from([1, 2, 0, 0]) },
        y: { shape: [1, 4, 3], dtype: 'float32', values: y },
      },
      weights: {
        source: 'inline',
        layers: [
          { layer: 'embedding', weights: [{ shape: [5, 5], values: embeddings }] },
          {
            layer: 'dense',
            weights: [
              { shape: [5, 3], values: kernel },
              { shape: [3], values: bias },
            ],
          },
        ],
      },
      layerOutputs: false,
    }).result;
    assert.ok(client.pid !== undefined && client.pid !== process.pid, 'the task did not run in a process of its own');
    assert.equal(result.backend, 'tensorflow');
    assert.deepEqual(result.outputMask, [[1, 1, 0, 0]]);
    const perStep = result.loss?.perTimestep[0] ?? [];
    for (const [t, token] of [1, 2].entries()) {
      let sum = 0;
      for (let j = 0; j < 3; j++) {
        let pred = bias[j];
        for (let k = 0; k < 5; k++) pred += embeddings[token * 5 + k] * kernel[k * 3 + j];
        sum += (pred - y[t * 3 + j]) ** 2;
      }
      assert.ok(
        Math.abs(perStep[t] - sum / 3) < 1e-4 * Math.max(1, sum / 3),
        `timestep ${t}: ${perStep[t]} vs ${sum / 3} from the weights sent`,
      );
    }
    assert.ok(Number.isNaN(perStep[3]), `timestep 3 holds the NaN target: ${perStep[3]}`);
    assert.ok(Number.isNaN(result.lossValues?.['valid-mean']), 'NaN did not arrive as NaN');
  });

  test('progress events arrive, tagged with their task, before the result', async () => {
    const { client } = makeClient();
    const events: string[] = [];
    const result = await client.run(
      { kind: 'probe', workMs: 800, matrixSize: 64 },
      { onProgress: (e) => events.push(e.type) },
    ).result;
    events.push('result');
    assert.equal(events[0], 'started');
    assert.ok(events.filter((e) => e === 'progress').length >= 1, events.join(','));
    assert.equal(events.at(-1), 'result');
    assert.ok(result.matMuls > 0);
  });

  test('cancellation crosses the boundary and stops a busy worker promptly; the process serves on', async () => {
    const { client } = makeClient({ cancelGraceMs: 2000 });
    let working = false;
    const handle = client.run(longProbe, { onProgress: (e) => (working ||= e.type === 'progress') });
    await waitFor(() => working, 30_000, 'the probe to work');
    const pid = client.pid;
    const t0 = Date.now();
    handle.cancel('cancelled by the test');
    await assert.rejects(
      handle.result,
      (e: unknown) => e instanceof TaskCancelled && /cancelled by the test/.test(e.message),
    );
    const stopMs = Date.now() - t0;
    assert.ok(stopMs < 1000, `cancellation took ${stopMs} ms`);
    assert.equal((await client.run(quickProbe).result).backend.backend, 'tensorflow');
    assert.equal(client.pid, pid, 'the process was replaced');
    assert.equal(client.runningCount, 0);
  });

  test('the queue bound is kept in the process, and its refusal arrives as QueueFullError', async () => {
    const { client } = makeClient({ settings: { workers: 1, maxQueue: 1, memoryCapMB: 2048 } });
    let started = false;
    const busy = client.run(longProbe, { onProgress: (e) => (started ||= e.type === 'started') });
    await waitFor(() => started, 30_000, 'the first probe to start');
    const queued = client.run(quickProbe);
    await waitFor(() => client.state?.queued === 1, 10_000, 'the second probe to be queued');
    await assert.rejects(client.run(quickProbe).result, QueueFullError);
    busy.cancel();
    await assert.rejects(busy.result, TaskCancelled);
    assert.equal((await queued.result).backend.backend, 'tensorflow');
  });

  test('a killed process fails every task it held with a message naming their model; the next task gets a new process', async () => {
    const { client, lines } = makeClient();
    let training = false;
    let probing = false;
    const train = client.run(
      { kind: 'train', model: tagger, data: { source: 'synthetic', samples: 64 }, epochs: 5000 },
      { onProgress: (e) => (training ||= e.type === 'batch' || e.type === 'epoch') },
    );
    const probe = client.run(longProbe, { onProgress: (e) => (probing ||= e.type === 'progress') });
    await waitFor(() => training && probing, 60_000, 'both tasks to be working');
    const pid = client.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(train.result, (e: unknown) => {
      assert.ok(e instanceof RuntimeProcessCrashedError, String(e));
      assert.equal(
        e.message,
        "TensorFlow's process stopped (SIGKILL: killed from outside, e.g. by the system when memory ran out) while training model 'tagger'. The extension is fine; the next task starts a new process.",
      );
      return true;
    });
    await assert.rejects(
      probe.result,
      (e: unknown) =>
        e instanceof RuntimeProcessCrashedError &&
        /\(SIGKILL[^)]*\) while probing the TensorFlow backend\./.test(e.message),
    );
    assert.ok(
      lines.some(
        (l) => l.level === 'error' && l.line.includes(`TensorFlow's process ${pid} stopped unexpectedly (SIGKILL`),
      ),
      'the crash was not logged as an error',
    );
    assert.equal(client.runningCount, 0);
    const next = await client.run(quickProbe).result;
    assert.equal(next.backend.backend, 'tensorflow');
    assert.ok(client.pid !== undefined && client.pid !== pid, 'the next task did not get a new process');
  });

  test("a native crash inside TensorFlow's process (SIGSEGV, SIGABRT from a worker) fails its tasks, and the next one succeeds", async () => {
    const { client } = makeClient();
    for (const [fault, signal] of [
      ['segv', 'SIGSEGV'],
      ['abort', 'SIGABRT'],
    ] as const) {
      let probing = false;
      const bystander = client.run(longProbe, { onProgress: (e) => (probing ||= e.type === 'progress') });
      await waitFor(() => probing, 30_000, 'the bystander to work');
      const pid = client.pid;
      await assert.rejects(
        client.run({ kind: 'probe', testFault: fault }).result,
        (e: unknown) =>
          e instanceof RuntimeProcessCrashedError &&
          e.message.startsWith(`TensorFlow's process stopped (${signal}) while probing`),
      );
      await assert.rejects(bystander.result, RuntimeProcessCrashedError);
      assert.equal((await client.run(quickProbe).result).backend.backend, 'tensorflow');
      assert.notEqual(client.pid, pid);
    }
  });

  test('after too many crashes within the window no process starts, and the refusal says why and until when', async () => {
    const { client } = makeClient({ crashLimit: { crashes: 2, windowMs: 60_000 } });
    for (let i = 0; i < 2; i++)
      await assert.rejects(client.run({ kind: 'probe', testFault: 'abort' }).result, RuntimeProcessCrashedError);
    const t0 = Date.now();
    await assert.rejects(client.run(quickProbe).result, (e: unknown) => {
      assert.ok(e instanceof RuntimeUnavailableError, String(e));
      assert.match(
        e.message,
        /^MaskLens stopped restarting TensorFlow's process: it crashed 2 times within 60 s \(last: SIGABRT\)\. It tries again in \d+ s, or at once after the window is reloaded\.$/,
      );
      return true;
    });
    assert.ok(Date.now() - t0 < 200, 'the refusal waited for something');
    assert.equal(client.pid, undefined, 'a process was started anyway');
  });

  test('a malformed message from the process is rejected as a protocol error, not a crash; the process serves on', async () => {
    const { client, lines } = makeClient();
    await client.run(quickProbe).result;
    const pid = client.pid;
    await assert.rejects(client.run({ kind: 'probe', testFault: 'malformed-reply' }).result, (e: unknown) => {
      assert.ok(e instanceof RuntimeProtocolError && e.code === 'protocol', String(e));
      assert.match(
        e.message,
        /^TensorFlow's process sent a malformed message: the result of task \d+ \(probe\) does not match its schema/,
      );
      return true;
    });
    const warnings = lines.filter((l) => l.level === 'warn').map((l) => l.line);
    assert.ok(
      warnings.some((w) => /neither a response nor a notification/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /malformed runtime\/progress/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /malformed runtime\/state/.test(w)),
      warnings.join('\n'),
    );
    assert.equal((await client.run(quickProbe).result).backend.backend, 'tensorflow');
    assert.equal(client.pid, pid, 'the process was replaced');
    assert.equal(client.state?.workers, 2, 'the malformed state notification replaced the good one');
  });

  test('a request that cannot be sent (VS Code hands out settings as proxies) fails alone, with a clear error', async () => {
    const { client } = makeClient();
    await client.run(quickProbe).result;
    const pid = client.pid;
    const settingsProxy = new Proxy({ timesteps: 4 }, {});
    await assert.rejects(
      client.run({ kind: 'evaluate', model: seed001, dimensions: settingsProxy }).result,
      (e: unknown) => {
        assert.ok(e instanceof PoolTaskError && e.code === 'protocol', String(e));
        assert.match(e.message, /^MaskLens could not send the task to TensorFlow's process: .*could not be cloned/);
        return true;
      },
    );
    assert.equal((await client.run(quickProbe).result).backend.backend, 'tensorflow');
    assert.equal(client.pid, pid);
  });

  test('without MASKLENS_TEST_HOOKS=1 the test faults are refused with a clear error, and nothing crashes', async () => {
    const { client } = makeClient({ env: withoutHooks });
    for (const fault of ['segv', 'abort', 'malformed-reply'] as const) {
      await assert.rejects(client.run({ kind: 'probe', testFault: fault }).result, (e: unknown) => {
        assert.ok(e instanceof PoolTaskError && e.code === 'test-hooks-disabled', String(e));
        assert.match(
          e.message,
          new RegExp(`testFault '${fault}' is a test hook; this process was not started with MASKLENS_TEST_HOOKS=1`),
        );
        return true;
      });
    }
    const pid = client.pid;
    assert.equal((await client.run(quickProbe).result).backend.backend, 'tensorflow');
    assert.equal(client.pid, pid);
  });

  test("TensorFlow's stderr goes to the log at debug level only", async () => {
    const { client, lines } = makeClient({ env: { ...withHooks, TF_CPP_MIN_LOG_LEVEL: '0' } });
    await client.run(quickProbe).result;
    const pid = client.pid;
    await client.close();
    const tf = lines.filter((l) => /oneDNN|cuda|absl/i.test(l.line));
    assert.ok(tf.length > 0, `no TensorFlow output was logged:\n${lines.map((l) => l.line).join('\n')}`);
    assert.deepEqual([...new Set(tf.map((l) => l.level))], ['debug']);
    assert.ok(tf.every((l) => l.line.startsWith(`[TensorFlow process ${pid}] `)));
  });

  test('changed settings apply once the process is idle: a running task finishes, then a new process starts', async () => {
    const { client } = makeClient();
    let working = false;
    const running = client.run(
      { kind: 'probe', workMs: 1500, matrixSize: 32 },
      { onProgress: (e) => (working ||= e.type === 'progress') },
    );
    await waitFor(() => working, 30_000, 'the probe to work');
    const pid = client.pid;
    assert.ok(pid);
    client.updateSettings({ workers: 1, maxQueue: 4, memoryCapMB: 1024 });
    assert.equal(client.pid, pid, 'the busy process was stopped');
    assert.ok((await running.result).matMuls > 0, 'the running task did not finish');
    await waitFor(() => gone(pid), 10_000, 'the old process to exit');
    await client.run(quickProbe).result;
    assert.notEqual(client.pid, pid);
    assert.equal(client.state?.workers, 1);
  });

  test('close() ends the process and refuses new tasks', async () => {
    const { client } = makeClient();
    await client.run(quickProbe).result;
    const pid = client.pid;
    assert.ok(pid);
    await client.close();
    assert.ok(gone(pid), 'the process outlived close()');
    await assert.rejects(client.run(quickProbe).result, RuntimeUnavailableError);
  });

  test('the runtime process exits when its host dies, even in the middle of a task', async () => {
    const host = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'hostThatDies.ts')], {
      cwd: root,
      env: withHooks,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    host.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await waitFor(() => /runtime pid (\d+)/.test(out), 60_000, 'the host to start its runtime process');
    const pid = Number(/runtime pid (\d+)/.exec(out)?.[1]);
    assert.ok(!gone(pid));
    host.kill('SIGKILL');
    await waitFor(() => gone(pid), 10_000, `runtime process ${pid} to exit after its host was killed`);
  });
});
