/**
 * The MaskLens worker pool, shared by the extension host and the CLI: Piscina worker threads
 * running TensorFlow, a bounded queue, progress over a MessagePort, cooperative cancellation
 * (a shared flag checked between layers, chunks, batches and RNN steps) backed by a hard stop
 * (terminating the worker) when a task does not yield in time, and a time limit per task
 * (the request's `taskTimeoutSeconds`, counted from when a worker starts it) enforced the same
 * way. A worker that dies fails only its own task.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import { z } from 'zod';
import { replySchema, taskEndSchema, type TaskMessage } from '../core/protocol/workerEnvelope';
import { progressEventSchema, type ProgressEvent } from '../core/protocol/task';
import { TASK_SCHEMAS, type RegisteredKind, type RequestOf, type ResultOf } from '../core/protocol/taskKinds';
import {
  PoolTaskError,
  ProtocolError,
  QueueFullError,
  TaskCancelled,
  TaskTimedOut,
  WorkerCrashedError,
} from './errors';
import { applyTensorFlowThreadEnv, planThreads, type ThreadPlan } from './threads';
import { splitEvaluation } from './evaluateShards';
import { evaluateRequestSchema, type EvaluateRequest, type EvaluateResult } from '../core/protocol/runtimeTasks';

export interface PoolOptions {
  /** The bundled worker script (dist/worker.js). */
  workerFile: string;
  /** 0 or absent: min(2, cores). */
  workers?: number;
  /** Tasks allowed to wait for a worker; more are refused with QueueFullError. */
  maxQueue?: number;
  /** V8 heap cap per worker (TensorFlow's own buffers are checked by the tasks themselves). */
  workerHeapMB?: number;
  /** How long a cancelled task may take to stop on its own before its worker is terminated. */
  cancelGraceMs?: number;
  /**
   * Split a large evaluation between the workers when they are idle (evaluateShards.ts); default
   * on, unless MASKLENS_SPLIT_EVALUATION=0.
   */
  splitEvaluations?: boolean;
}

export interface RunOptions {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface TaskHandle<R> {
  id: number;
  kind: RegisteredKind;
  result: Promise<R>;
  /** Ask the task to stop; it is terminated if it has not stopped after the grace period. */
  cancel(reason?: string): void;
}

export interface PoolState {
  workers: number;
  running: number;
  queued: number;
  completed: number;
  failed: number;
  plan: ThreadPlan;
}

let nextTaskId = 1;

/** How long a finished task's last progress events may lag its reply (a worker that died never sends TASK_END). */
const PROGRESS_DRAIN_MS = 1000;

const receivedKindSchema = z.object({
  kind: z.custom<RegisteredKind>((kind) => typeof kind === 'string' && Object.hasOwn(TASK_SCHEMAS, kind)),
});

/** A request's time limit in seconds (0: none); kinds without the field have none. */
const timeLimitSchema = z.object({ taskTimeoutSeconds: z.number().min(0) });

/** Why a task was asked to stop. */
type StopReason = { kind: 'cancelled'; reason: string } | { kind: 'timeout'; error: TaskTimedOut };

export class MaskLensPool {
  private readonly piscina: Piscina;
  private readonly events = new EventEmitter();
  private readonly plan: ThreadPlan;
  private readonly maxQueue: number;
  private readonly cancelGraceMs: number;
  private readonly splitEvaluations: boolean;
  private running = 0;
  private queued = 0;
  private completed = 0;
  private failed = 0;
  private closed = false;

  constructor(options: PoolOptions) {
    this.plan = planThreads(options.workers ?? 0);
    applyTensorFlowThreadEnv(this.plan);
    this.maxQueue = options.maxQueue ?? 16;
    this.cancelGraceMs = options.cancelGraceMs ?? 1500;
    this.splitEvaluations = options.splitEvaluations ?? process.env.MASKLENS_SPLIT_EVALUATION !== '0';
    this.piscina = new Piscina({
      filename: options.workerFile,
      minThreads: this.plan.workers,
      maxThreads: this.plan.workers,
      // The queue bound is enforced here, so the caller gets a clear QueueFullError.
      maxQueue: Infinity,
      idleTimeout: 5 * 60_000,
      resourceLimits: options.workerHeapMB ? { maxOldGenerationSizeMb: options.workerHeapMB } : undefined,
      name: 'default',
    });
    // A dying worker emits 'error' on the pool too; the task's own rejection carries it.
    this.piscina.on('error', () => undefined);
  }

  get state(): PoolState {
    return {
      workers: this.plan.workers,
      running: this.running,
      queued: this.queued,
      completed: this.completed,
      failed: this.failed,
      plan: this.plan,
    };
  }

  /** The worker threads, for diagnostics (and for tests that kill one). */
  get threads(): readonly import('node:worker_threads').Worker[] {
    return this.piscina.threads;
  }

  onDidChangeState(listener: (state: PoolState) => void): () => void {
    this.events.on('state', listener);
    return () => this.events.off('state', listener);
  }

  run<K extends RegisteredKind>(
    request: RequestOf<K> & { kind: K },
    options: RunOptions = {},
  ): TaskHandle<ResultOf<K>> {
    return this.start(request.kind, request, options);
  }

  /**
   * An evaluation, on every worker when they are idle and it is large enough (its first shard
   * decides), else as one task.
   */
  runEvaluate(request: EvaluateRequest, options: RunOptions = {}): TaskHandle<EvaluateResult> {
    return this.checkAndEvaluate(request, options);
  }

  /**
   * An evaluate request checked against its schema once (a model's request is large), then run;
   * one that fails the check is refused as any task's is.
   */
  private checkAndEvaluate(request: unknown, options: RunOptions): TaskHandle<EvaluateResult> {
    const parsed = evaluateRequestSchema.safeParse(request);
    if (!parsed.success) return this.start('evaluate', request, options);
    const checked = parsed.data;
    if (!this.mayShare()) return this.start('evaluate', checked, options, true);
    const id = nextTaskId++;
    const { result, cancel } = splitEvaluation(checked, {
      workers: this.plan.workers,
      // Each shard is the checked request with its place added: checked once, here.
      startShard: (shard, shardOptions) => this.start('evaluateShard', shard, shardOptions, true),
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return { id, kind: 'evaluate', result, cancel };
  }

  /** Whether a task may take every worker: there are several, and nothing else runs or waits. */
  private mayShare(): boolean {
    return this.splitEvaluations && !this.closed && this.plan.workers >= 2 && this.running + this.queued === 0;
  }

  /**
   * Runs a request that arrived from another process, as it arrived: its `kind` picks the
   * schema it is validated against (once, before it goes to a worker), like any other request.
   */
  runReceived(request: unknown, options: RunOptions = {}): Omit<TaskHandle<unknown>, 'kind'> {
    const kind = receivedKindSchema.safeParse(request);
    if (kind.success && kind.data.kind === 'evaluate') return this.checkAndEvaluate(request, options);
    if (kind.success) return this.start(kind.data.kind, request, options);
    const result = Promise.reject(
      new ProtocolError(`a task request needs a kind, one of ${Object.keys(TASK_SCHEMAS).join(', ')}`),
    );
    result.catch(() => undefined); // the caller awaits it; no unhandled rejection meanwhile
    return { id: nextTaskId++, result, cancel: () => undefined };
  }

  private start<K extends RegisteredKind>(
    kind: K,
    request: unknown,
    options: RunOptions,
    validated = false,
  ): TaskHandle<ResultOf<K>> {
    const id = nextTaskId++;
    const schemas = TASK_SCHEMAS[kind];
    const cancelFlag = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancelFlag);
    const abort = new AbortController();
    let stop: StopReason | null = null;
    let graceTimer: NodeJS.Timeout | undefined;
    let limitTimer: NodeJS.Timeout | undefined;

    const stopTask = (why: StopReason): void => {
      if (stop !== null) return;
      stop = why;
      Atomics.store(flag, 0, 1);
      graceTimer = setTimeout(() => {
        // Piscina rejects the task with an error of its own: say here that the worker had to go.
        if (why.kind === 'cancelled') why.reason = `${why.reason} (worker terminated after ${this.cancelGraceMs} ms)`;
        abort.abort(why.kind === 'timeout' ? why.error : new TaskCancelled(why.reason));
      }, this.cancelGraceMs);
      graceTimer.unref();
    };
    const cancel = (reason = 'cancelled'): void => stopTask({ kind: 'cancelled', reason });
    options.signal?.addEventListener('abort', () => cancel('cancelled'), { once: true });
    const limit = timeLimitSchema.safeParse(request);
    const seconds = limit.success ? limit.data.taskTimeoutSeconds : 0;
    // The limit counts from when a worker starts the task: time in the queue is not the task's.
    const onStarted = (): void => {
      if (seconds <= 0) return;
      limitTimer = setTimeout(
        () => stopTask({ kind: 'timeout', error: new TaskTimedOut(kind, seconds) }),
        seconds * 1000,
      );
      limitTimer.unref();
    };

    const result = this.execute<K>(
      id,
      request,
      schemas,
      cancelFlag,
      abort.signal,
      options.onProgress,
      () => stop,
      onStarted,
      validated,
    ).finally(() => {
      clearTimeout(graceTimer);
      clearTimeout(limitTimer);
    });
    return { id, kind, result, cancel };
  }

  private async execute<K extends RegisteredKind>(
    id: number,
    request: unknown,
    schemas: (typeof TASK_SCHEMAS)[K],
    cancelFlag: SharedArrayBuffer,
    signal: AbortSignal,
    onProgress: RunOptions['onProgress'],
    stopReason: () => StopReason | null,
    onStarted: () => void,
    validated: boolean,
  ): Promise<ResultOf<K>> {
    if (this.closed) throw new PoolTaskError('The MaskLens worker pool is closed.', 'pool-closed');
    const parsed = validated ? { success: true as const, data: request } : schemas.request.safeParse(request);
    if (!parsed.success) throw new ProtocolError(`task ${id} request: ${parsed.error.message}`);
    if (this.queued >= this.maxQueue && this.running >= this.plan.workers) throw new QueueFullError(this.maxQueue);

    const { port1, port2 } = new MessageChannel();
    // The reply travels on Piscina's channel, the progress on this port, and the reply can arrive
    // before the last progress events (measured: before all 1,000 of them). The worker posts
    // TASK_END last on the port; waiting for it delivers a task's progress before its result.
    let ended: () => void = () => undefined;
    const drained = new Promise<void>((resolve) => (ended = resolve));
    port1.on('message', (raw: unknown) => {
      if (taskEndSchema.safeParse(raw).success) return ended();
      const event = progressEventSchema.safeParse(raw);
      if (event.success) onProgress?.(event.data);
    });
    const message: TaskMessage = { request: parsed.data, cancelFlag, progressPort: port2 };

    this.queued++;
    this.emitState();
    let started = false;
    const markStarted = (): void => {
      if (started) return;
      started = true;
      this.queued--;
      this.running++;
      onStarted();
      this.emitState();
    };
    port1.once('message', markStarted);
    // Piscina does not announce when a queued task starts; the worker's first progress
    // message does (every task sends one on entry).
    try {
      const raw: unknown = await this.piscina.run(message, {
        transferList: [port2 as unknown as import('node:worker_threads').MessagePort],
        signal,
      });
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, PROGRESS_DRAIN_MS).unref())]);
      const reply = replySchema.safeParse(raw);
      if (!reply.success) throw new ProtocolError(`task ${id} reply: ${reply.error.message}`);
      if (!reply.data.ok) {
        const e = reply.data.error;
        if (e.code === 'cancelled') throw this.stopped(stopReason()) ?? new TaskCancelled();
        throw new PoolTaskError(e.message, e.code, e.location);
      }
      const result = schemas.result.safeParse(reply.data.result);
      if (!result.success) throw new ProtocolError(`task ${id} result: ${result.error.message}`);
      this.completed++;
      return result.data as ResultOf<K>;
    } catch (error) {
      this.failed++;
      throw this.explain(error, stopReason());
    } finally {
      if (started) this.running--;
      else this.queued--;
      port1.close();
      this.emitState();
    }
  }

  /** The error a task ends with when it was asked to stop. */
  private stopped(stop: StopReason | null): PoolTaskError | null {
    if (!stop) return null;
    return stop.kind === 'timeout' ? stop.error : new TaskCancelled(stop.reason);
  }

  private explain(error: unknown, stop: StopReason | null): Error {
    if (error instanceof PoolTaskError) return error;
    const text = error instanceof Error ? error.message : String(error);
    if (stop !== null || (error instanceof Error && error.name === 'AbortError'))
      return this.stopped(stop) ?? new TaskCancelled();
    if (/worker exited|Terminating worker thread|ERR_WORKER|out of memory/i.test(text))
      return new WorkerCrashedError(text);
    return new PoolTaskError(text, 'worker-error');
  }

  private emitState(): void {
    this.events.emit('state', this.state);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}
