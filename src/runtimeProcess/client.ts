/**
 * The client of the runtime process, free of vscode: the extension wraps it, and the benchmarks
 * and tests use it as it is. It starts `dist/runtime.js` on the first task (as a language client
 * starts its server), sends tasks and relays their progress and cancellation, and validates
 * every result against its kind's schema. It outlives the process: when the process dies, the
 * tasks it held fail with a message naming their model and what ended it, and the next task
 * starts a new process — unless it crashed too often lately (see RestartThrottle).
 */
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { RuntimePoolState } from '../core/protocol/runtimeProcess';
import { TASK_SCHEMAS, type RegisteredKind, type RequestOf, type ResultOf } from '../core/protocol/taskKinds';
import { TaskCancelled } from '../pool/errors';
import type { RunOptions, TaskHandle } from '../pool/pool';
export type { RunOptions, TaskHandle };
import { ChildRuntime, type RuntimeLog } from './childRuntime';
import type { TaskLabel } from './crash';
import { RuntimeProtocolError, RuntimeUnavailableError } from './errors';
import { DEFAULT_CRASH_LIMIT, RestartThrottle, type CrashLimit } from './restartThrottle';

export interface RuntimeSettings {
  /** Worker threads; 0 means min(2, cores). */
  workers: number;
  /** Tasks allowed to wait for a worker. */
  maxQueue: number;
  /** V8 heap cap of the process and of each worker thread, in MiB. */
  memoryCapMB: number;
}

export interface RuntimeClientOptions {
  /** The bundled process entry, dist/runtime.js (dist/worker.js must sit beside it). */
  runtimeFile: string;
  settings: RuntimeSettings;
  /** The process's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /**
   * Asked before each process starts, instead of `env`: where TensorFlow's C library is decides
   * the environment the process must start with (see src/tensorflow/runtimeEnvironment.ts), and
   * finding it may take a while (a download the user agreed to). Its error fails the tasks waiting.
   */
  environment?: () => Promise<NodeJS.ProcessEnv>;
  log?: RuntimeLog;
  crashLimit?: CrashLimit;
  /** How long a cancelled task may take to stop before its worker is terminated. */
  cancelGraceMs?: number;
  startTimeoutMs?: number;
}

export interface RuntimeCrash {
  pid: number | undefined;
  /** e.g. "SIGABRT: oneDNN error: could not create a primitive". */
  ending: string;
  stderrTail: readonly string[];
}

interface ClientTask {
  id: number;
  label: TaskLabel;
  cancel(reason?: string): void;
}

const SILENT: RuntimeLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function sameSettings(a: RuntimeSettings, b: RuntimeSettings): boolean {
  return a.workers === b.workers && a.maxQueue === b.maxQueue && a.memoryCapMB === b.memoryCapMB;
}

function taskLabel(request: { kind: RegisteredKind; model?: { name?: string } }): TaskLabel {
  // A model without a name gets the runtime's default one, 'model'.
  return { kind: request.kind, model: request.model ? (request.model.name ?? 'model') : null };
}

export class RuntimeClient {
  private current: { process: ChildRuntime; settings: RuntimeSettings; environment: number } | undefined;
  /** Counts renewEnvironment() calls: a process started under an older count restarts once idle. */
  private environment = 0;
  /** The environment of the process about to start, while it is being found. */
  private starting: Promise<NodeJS.ProcessEnv> | undefined;
  private settings: RuntimeSettings;
  private readonly throttle: RestartThrottle;
  private lastCrash: string | undefined;
  private readonly tasks = new Set<ClientTask>();
  private readonly events = new EventEmitter();
  private readonly log: RuntimeLog;
  private nextTaskId = 1;
  private closed = false;

  constructor(private readonly options: RuntimeClientOptions) {
    this.settings = options.settings;
    this.throttle = new RestartThrottle(options.crashLimit ?? DEFAULT_CRASH_LIMIT);
    this.log = options.log ?? SILENT;
  }

  /** The pool's counters as the running process last reported them; undefined while none runs. */
  get state(): RuntimePoolState | undefined {
    return this.current?.process.state;
  }

  /** The running process's id; undefined while none runs. */
  get pid(): number | undefined {
    return this.current?.process.pid;
  }

  /** Tasks submitted and not yet answered. */
  get runningCount(): number {
    return this.tasks.size;
  }

  onDidChangeState(listener: (state: RuntimePoolState | undefined) => void): () => void {
    this.events.on('state', listener);
    return () => this.events.off('state', listener);
  }

  onDidCrash(listener: (crash: RuntimeCrash) => void): () => void {
    this.events.on('crash', listener);
    return () => this.events.off('crash', listener);
  }

  run<K extends RegisteredKind>(
    request: RequestOf<K> & { kind: K },
    options: RunOptions = {},
  ): TaskHandle<ResultOf<K>> {
    let cancelReason: string | null = null;
    let process: ChildRuntime | undefined;
    const task: ClientTask = {
      id: this.nextTaskId++,
      label: taskLabel(request),
      cancel: (reason = 'cancelled') => {
        if (cancelReason !== null) return;
        cancelReason = reason;
        process?.cancel(task.id, reason);
      },
    };
    options.signal?.addEventListener('abort', () => task.cancel('cancelled'), { once: true });
    const execute = async (): Promise<ResultOf<K>> => {
      this.tasks.add(task);
      try {
        process = await this.processForTask();
        if (cancelReason !== null) throw new TaskCancelled(cancelReason);
        const raw = await process.run(task.id, task.label, request, options.onProgress);
        const result = TASK_SCHEMAS[request.kind].result.safeParse(raw);
        if (!result.success)
          throw new RuntimeProtocolError(
            `the result of task ${task.id} (${request.kind}) does not match its schema: ${z.prettifyError(result.error)}`,
          );
        // Validated against the schema of kind K just above.
        return result.data as ResultOf<K>;
      } finally {
        this.tasks.delete(task);
        this.restartIfIdleAndStale();
      }
    };
    return { id: task.id, kind: request.kind, result: execute(), cancel: task.cancel };
  }

  /** Asks every submitted task to stop; returns how many were asked. */
  cancelAll(reason = 'cancelled'): number {
    for (const task of this.tasks) task.cancel(reason);
    return this.tasks.size;
  }

  /**
   * New settings apply to the next process: the running one is stopped as soon as it is idle
   * (at once if it is idle now), so no task is cut short.
   */
  updateSettings(settings: RuntimeSettings): void {
    this.settings = settings;
    this.restartIfIdleAndStale();
  }

  /** Stops the process (its tasks are cancelled) and refuses new tasks. */
  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    await current?.process.stop();
  }

  private async processForTask(): Promise<ChildRuntime> {
    if (this.closed) throw new RuntimeUnavailableError("MaskLens is shutting down: TensorFlow's process is closed.");
    if (this.current) return this.current.process;
    if (this.options.environment) {
      // Tasks that arrive meanwhile wait for the same answer, and then share the one process.
      this.starting ??= this.options.environment().finally(() => (this.starting = undefined));
      const env = await this.starting;
      if (this.closed) throw new RuntimeUnavailableError("MaskLens is shutting down: TensorFlow's process is closed.");
      // Another task's wait may have ended first and started the process.
      return this.currentProcess() ?? this.startProcess(env);
    }
    return this.startProcess(this.options.env ?? globalThis.process.env);
  }

  private currentProcess(): ChildRuntime | undefined {
    return this.current?.process;
  }

  private startProcess(env: NodeJS.ProcessEnv): ChildRuntime {
    const waitMs = this.throttle.waitMs();
    if (waitMs > 0) {
      throw new RuntimeUnavailableError(
        `MaskLens stopped restarting TensorFlow's process: it crashed ${this.throttle.describe()} (last: ${this.lastCrash ?? 'unknown'}). It tries again in ${Math.ceil(waitMs / 1000)} s, or at once after the window is reloaded.`,
      );
    }
    const settings = this.settings;
    const process: ChildRuntime = new ChildRuntime({
      runtimeFile: this.options.runtimeFile,
      pool: {
        workers: settings.workers,
        maxQueue: settings.maxQueue,
        workerHeapMB: settings.memoryCapMB,
        cancelGraceMs: this.options.cancelGraceMs,
      },
      heapMB: settings.memoryCapMB,
      env,
      log: this.log,
      startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
      onState: (state) => this.events.emit('state', state),
      onEnded: (ended) => {
        if (this.current?.process === process) this.current = undefined;
        if (!ended.crashed) return this.log.info(`TensorFlow's process ${ended.pid ?? '?'} stopped.`);
        this.throttle.recordCrash();
        this.lastCrash = ended.ending;
        this.log.error(
          `TensorFlow's process ${ended.pid ?? '?'} stopped unexpectedly (${ended.ending}); its last output:\n${ended.stderrTail.join('\n') || '(none)'}`,
        );
        this.events.emit('crash', {
          pid: ended.pid,
          ending: ended.ending,
          stderrTail: ended.stderrTail,
        } satisfies RuntimeCrash);
      },
    });
    this.current = { process, settings, environment: this.environment };
    return process;
  }

  /**
   * The environment a process needs has changed (e.g. another TensorFlow library was chosen):
   * the running process stops as soon as it is idle, and the next task asks `environment` again.
   */
  renewEnvironment(): void {
    this.environment++;
    this.restartIfIdleAndStale();
  }

  private restartIfIdleAndStale(): void {
    const current = this.current;
    if (
      !current ||
      current.process.busy > 0 ||
      (sameSettings(current.settings, this.settings) && current.environment === this.environment)
    )
      return;
    this.current = undefined;
    this.log.info("MaskLens runtime settings changed: TensorFlow's process restarts with the next task.");
    void current.process.stop();
  }
}
