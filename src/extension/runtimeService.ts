/**
 * The extension host's handle on the worker pool. The pool is created on first use, so
 * opening a Python file costs nothing until the user asks for numbers; all TensorFlow work
 * happens in the workers, never on the extension host's thread.
 */
import * as vscode from 'vscode';
import { MaskLensPool, type PoolState, type RunOptions, type TaskHandle } from '../pool/pool';
import type { RegisteredKind, RequestOf, ResultOf } from '../core/protocol/taskKinds';
import type { BackendReport } from '../core/protocol/viewMessages';
import { readSettings } from './config';
import { log } from './log';

export class PoolClient implements vscode.Disposable {
  private pool: MaskLensPool | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<PoolState>();
  private readonly backendEmitter = new vscode.EventEmitter<BackendReport>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidReportBackend = this.backendEmitter.event;
  private lastBackend: BackendReport | undefined;
  private readonly running = new Set<TaskHandle<unknown>>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  get backend(): BackendReport | undefined {
    return this.lastBackend;
  }

  get state(): PoolState | undefined {
    return this.pool?.state;
  }

  private ensurePool(): MaskLensPool {
    if (this.pool) return this.pool;
    const settings = readSettings();
    const workerFile = vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath;
    this.pool = new MaskLensPool({ workerFile, workers: settings.poolSize, maxQueue: settings.maxQueuedTasks, workerHeapMB: settings.memoryCapMB });
    this.pool.onDidChangeState((s) => this.stateEmitter.fire(s));
    const plan = this.pool.state.plan;
    log().info(`Worker pool: ${plan.workers} worker(s), TensorFlow intra-op ${plan.intraOpThreads} / inter-op ${plan.interOpThreads} thread(s) on ${plan.cores} core(s).`);
    return this.pool;
  }

  run<K extends RegisteredKind>(request: RequestOf<K> & { kind: K }, options: RunOptions = {}): TaskHandle<ResultOf<K>> {
    const handle = this.ensurePool().run<K>(request, options);
    this.running.add(handle);
    void handle.result.finally(() => this.running.delete(handle)).catch(() => undefined);
    return handle;
  }

  /** Cancels every running or queued task; returns how many were asked to stop. */
  cancelAll(): number {
    const n = this.running.size;
    for (const handle of this.running) handle.cancel('cancelled by the user');
    return n;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Asks a worker which backend it runs; the answer goes to the status bar and the panel. */
  async probe(): Promise<BackendReport> {
    const started = performance.now();
    const result = await this.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result;
    const plan = this.ensurePool().state;
    const report: BackendReport = {
      backend: result.backend,
      threadId: result.threadId,
      probeMs: performance.now() - started,
      pool: { workers: plan.workers, running: plan.running, queued: plan.queued, intraOpThreads: plan.plan.intraOpThreads, interOpThreads: plan.plan.interOpThreads },
    };
    this.lastBackend = report;
    if (result.backend.backend !== 'tensorflow') {
      log().error(`TensorFlow native backend unavailable, running on the slow pure-JS cpu backend: ${result.backend.fallbackReason ?? 'unknown reason'}`);
      void vscode.window.showWarningMessage(`MaskLens is running without native TensorFlow (${result.backend.fallbackReason ?? 'unknown reason'}). Results are correct but slow.`);
    } else {
      log().info(`Worker ${result.threadId} runs native TensorFlow (tfjs ${result.backend.tfjsVersion}).`);
    }
    this.backendEmitter.fire(report);
    return report;
  }

  /** Recreates the pool, e.g. after the pool size setting changed. */
  async restart(): Promise<void> {
    const old = this.pool;
    this.pool = undefined;
    await old?.close();
  }

  dispose(): void {
    void this.pool?.close();
    this.stateEmitter.dispose();
    this.backendEmitter.dispose();
  }
}
