/**
 * One running runtime process, seen from the extension host: the forked child, its JSON-RPC
 * connection, its stderr, and the tasks it owes an answer. When the child ends, every task it
 * owed fails with a message naming that task's model and what ended the process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  createMessageConnection,
  ErrorCodes,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { z } from 'zod';
import {
  poolStateSchema,
  progressParamsSchema,
  RUNTIME_METHODS,
  startResultSchema,
  taskErrorDataSchema,
  type CancelParams,
  type RunParams,
  type RuntimePoolState,
  type StartParams,
  type StartResult,
} from '../core/protocol/runtimeProcess';
import type { ProgressEvent } from '../core/protocol/task';
import { poolErrorFromData, PoolTaskError } from '../pool/errors';
import { describeExit, StderrTail, type ProcessExit, type TaskLabel } from './crash';
import { RuntimeProcessCrashedError, RuntimeProtocolError } from './errors';

/** Where the client's log lines go (the extension's output channel, a test's array). */
export interface RuntimeLog {
  debug(line: string): void;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export interface ChildRuntimeOptions {
  runtimeFile: string;
  pool: StartParams;
  /** V8 heap cap of the process's own thread, in MiB. */
  heapMB: number;
  env: NodeJS.ProcessEnv;
  log: RuntimeLog;
  startTimeoutMs: number;
  onState(state: RuntimePoolState | undefined): void;
  /** The process ended; `crashed` unless the client stopped it. */
  onEnded(ended: { pid: number | undefined; ending: string; crashed: boolean; stderrTail: readonly string[] }): void;
}

interface OwedTask {
  label: TaskLabel;
  onProgress?: (event: ProgressEvent) => void;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** How long a process that was asked to stop may take before it is killed. */
const STOP_GRACE_MS = 3000;

export class ChildRuntime {
  private readonly child: ChildProcess;
  private readonly connection: MessageConnection;
  private readonly stderr = new StderrTail(20);
  private readonly owed = new Map<number, OwedTask>();
  private stopping = false;
  private killedBecause: string | undefined;
  private ended = false;
  private markEnded: () => void = () => undefined;
  /** Settles once the process has ended and its tasks have been answered. */
  private readonly endedPromise = new Promise<void>((resolve) => (this.markEnded = resolve));
  /** The pool's counters as the process last reported them. */
  state: RuntimePoolState | undefined;
  /** Answered once the pool is up; never rejects (a failed start ends the process, which fails its tasks). */
  readonly ready: Promise<StartResult | undefined>;

  constructor(private readonly options: ChildRuntimeOptions) {
    this.child = fork(options.runtimeFile, [], {
      // The language client's way of starting a Node server from VS Code's Electron host.
      env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [`--max-old-space-size=${options.heapMB}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Typed arrays, NaN and ±Infinity cross as they do between threads.
      serialization: 'advanced',
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of this.stderr.push(chunk))
        options.log.debug(`[TensorFlow process ${this.child.pid ?? '?'}] ${line}`);
    });
    this.child.stdout
      ?.setEncoding('utf8')
      .on('data', (chunk: string) =>
        options.log.debug(`[TensorFlow process ${this.child.pid ?? '?'}] ${chunk.trimEnd()}`),
      );
    this.child.on('error', (error) => {
      // Spawning failed (no exit event follows), or a message could not be sent (one does).
      if (this.child.pid === undefined)
        this.end({ code: null, signal: null }, `it could not be started: ${error.message}`);
      else options.log.warn(`TensorFlow's process ${this.child.pid}: ${error.message}`);
    });
    this.child.on('exit', (code, signal) => this.endAfterStderr({ code, signal }));

    this.connection = createMessageConnection(new IPCMessageReader(this.child), new IPCMessageWriter(this.child), {
      error: (m) => options.log.warn(`TensorFlow's process sent a malformed message: ${m}`),
      warn: (m) => options.log.warn(m),
      info: (m) => options.log.debug(m),
      log: (m) => options.log.debug(m),
    });
    this.connection.onNotification(RUNTIME_METHODS.progress, (raw: unknown) => {
      const params = progressParamsSchema.safeParse(raw);
      if (!params.success)
        return options.log.warn(
          `TensorFlow's process sent a malformed ${RUNTIME_METHODS.progress}: ${z.prettifyError(params.error)}`,
        );
      this.owed.get(params.data.taskId)?.onProgress?.(params.data.event);
    });
    this.connection.onNotification(RUNTIME_METHODS.state, (raw: unknown) => {
      const state = poolStateSchema.safeParse(raw);
      if (!state.success)
        return options.log.warn(
          `TensorFlow's process sent a malformed ${RUNTIME_METHODS.state}: ${z.prettifyError(state.error)}`,
        );
      this.state = state.data;
      options.onState(state.data);
    });
    this.connection.listen();
    this.ready = this.start();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Tasks sent or about to be sent that have not been answered. */
  get busy(): number {
    return this.owed.size;
  }

  private async start(): Promise<StartResult | undefined> {
    const timer = setTimeout(
      () => this.kill(`it did not answer within ${this.options.startTimeoutMs / 1000} s of starting`),
      this.options.startTimeoutMs,
    );
    try {
      const started = startResultSchema.safeParse(
        await this.connection.sendRequest(RUNTIME_METHODS.start, this.options.pool),
      );
      if (!started.success) {
        this.kill(`it answered the start request with a malformed message: ${z.prettifyError(started.error)}`);
        return undefined;
      }
      this.state = started.data.state;
      this.options.onState(started.data.state);
      this.options.log.info(
        `TensorFlow's process ${started.data.pid} started: ${started.data.state.workers} worker(s), TensorFlow intra-op ${started.data.state.plan.intraOpThreads} / inter-op ${started.data.state.plan.interOpThreads} thread(s) on ${started.data.state.plan.cores} core(s).`,
      );
      return started.data;
    } catch (error) {
      if (!this.ended) this.kill(`its start failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends one task; the answer is its raw result (the caller validates it) or its error. */
  run(
    taskId: number,
    label: TaskLabel,
    request: unknown,
    onProgress?: (event: ProgressEvent) => void,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.ended) return reject(new RuntimeProcessCrashedError('it had already stopped', label));
      this.owed.set(taskId, { label, onProgress, resolve, reject });
      void this.ready.then(async (started) => {
        if (!started || this.ended) return; // the process is ending; end() answers this task
        try {
          const result: unknown = await this.connection.sendRequest(RUNTIME_METHODS.run, {
            taskId,
            request,
          } satisfies RunParams);
          this.settle(taskId)?.resolve(result);
        } catch (error) {
          if (this.ended) return;
          if (error instanceof ResponseError) return this.settle(taskId)?.reject(this.taskError(error));
          const detail = error instanceof Error ? error.message : String(error);
          // Still connected: this one message could not be sent. Otherwise the process is going, and end() answers.
          if (this.child.connected)
            this.settle(taskId)?.reject(new RuntimeProtocolError(`task ${taskId} could not be sent: ${detail}`));
          else this.kill(`its channel closed: ${detail}`);
        }
      });
    });
  }

  private taskError(error: ResponseError<unknown>): Error {
    // vscode-jsonrpc reports a message it could not write (e.g. a value structured cloning refuses) as a response error too.
    if (error.code === ErrorCodes.MessageWriteError)
      return new PoolTaskError(
        `MaskLens could not send the task to TensorFlow's process: ${error.message}`,
        'protocol',
      );
    const data = taskErrorDataSchema.safeParse(error.data);
    if (!data.success) return new RuntimeProtocolError(`an error without its code (${error.message})`);
    return poolErrorFromData(error.message, data.data.code, data.data.location);
  }

  private settle(taskId: number): OwedTask | undefined {
    const task = this.owed.get(taskId);
    this.owed.delete(taskId);
    return task;
  }

  cancel(taskId: number, reason: string): void {
    if (this.ended || !this.owed.has(taskId)) return;
    void this.ready.then((started) => {
      if (started && !this.ended)
        void this.connection
          .sendNotification(RUNTIME_METHODS.cancel, { taskId, reason } satisfies CancelParams)
          .catch(() => undefined);
    });
  }

  /** Closes the pool and lets the process exit; kills it if it does not within a few seconds. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.stopping = true;
    const timer = setTimeout(
      () => this.kill(`it did not stop within ${STOP_GRACE_MS / 1000} s of being asked to`),
      STOP_GRACE_MS,
    );
    try {
      if (await this.ready)
        await Promise.race([this.connection.sendRequest(RUNTIME_METHODS.shutdown), this.endedPromise]);
    } catch {
      // It is going anyway: the channel closes below, and the timer kills it if need be.
    }
    if (this.child.connected) this.child.disconnect();
    await this.endedPromise;
    clearTimeout(timer);
  }

  /** Ends the process at once; `because` is what its tasks are told. */
  kill(because: string): void {
    if (this.ended) return;
    this.killedBecause ??= because;
    this.child.kill('SIGKILL');
  }

  /**
   * The crash message quotes the process's last stderr lines, which may still be in the pipe
   * when it exits; 'close' would wait for them, but Node never emits it once the host has
   * disconnected the IPC channel itself.
   */
  private endAfterStderr(exit: ProcessExit): void {
    const stderr = this.child.stderr;
    if (!stderr || stderr.closed) return this.end(exit);
    const timer = setTimeout(() => this.end(exit), 1000);
    stderr.once('close', () => {
      clearTimeout(timer);
      this.end(exit);
    });
  }

  private end(exit: ProcessExit, because?: string): void {
    if (this.ended) return;
    this.ended = true;
    const tail = this.stderr.text;
    const reason = because ?? this.killedBecause;
    const ending = reason ? (exit.signal ? `${exit.signal}: ${reason}` : reason) : describeExit(exit, tail);
    const crashed = !this.stopping;
    for (const [taskId, task] of this.owed) {
      this.owed.delete(taskId);
      task.reject(new RuntimeProcessCrashedError(ending, task.label));
    }
    this.connection.dispose();
    this.state = undefined;
    this.options.onState(undefined);
    this.options.onEnded({ pid: this.child.pid, ending, crashed, stderrTail: tail });
    this.markEnded();
  }
}
