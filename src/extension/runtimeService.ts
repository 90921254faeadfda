/**
 * The extension host's handle on TensorFlow: a thin VS Code wrapper over the runtime process's
 * client (src/runtimeProcess/client.ts). The process starts on the first task, so opening a
 * Python file costs nothing until the user asks for numbers; TensorFlow never runs in the
 * extension host, so a native fault in it ends only that process.
 */
import * as vscode from 'vscode';
import type { RuntimePoolState } from '../core/protocol/runtimeProcess';
import type { RegisteredKind, RequestOf, ResultOf } from '../core/protocol/taskKinds';
import type { BackendReport } from '../core/protocol/viewMessages';
import {
  RuntimeClient,
  type RunOptions,
  type RuntimeCrash,
  type RuntimeSettings,
  type TaskHandle,
} from '../runtimeProcess/client';
import { readSettings, type MaskLensSettings } from './config';
import { log } from './log';

function runtimeSettings(settings: MaskLensSettings): RuntimeSettings {
  return { workers: settings.poolSize, maxQueue: settings.maxQueuedTasks, memoryCapMB: settings.memoryCapMB };
}

export class RuntimeService implements vscode.Disposable {
  private readonly client: RuntimeClient;
  private readonly stateEmitter = new vscode.EventEmitter<RuntimePoolState | undefined>();
  private readonly backendEmitter = new vscode.EventEmitter<BackendReport>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidReportBackend = this.backendEmitter.event;
  private readonly crashEmitter = new vscode.EventEmitter<RuntimeCrash>();
  /** TensorFlow's process stopped unexpectedly (its tasks have failed with the reason). */
  readonly onDidCrash = this.crashEmitter.event;
  private lastBackend: BackendReport | undefined;

  /** `environment` is asked before each process starts: it chooses the TensorFlow library (tensorflowLibrary.ts). */
  constructor(extensionUri: vscode.Uri, environment: () => Promise<NodeJS.ProcessEnv>) {
    const channel = log();
    this.client = new RuntimeClient({
      runtimeFile: vscode.Uri.joinPath(extensionUri, 'dist', 'runtime.js').fsPath,
      settings: runtimeSettings(readSettings()),
      environment,
      // TensorFlow's own stderr (oneDNN, CUDA, absl lines) is for whoever turns the log level up.
      log: {
        debug: (line) => channel.debug(line),
        info: (line) => channel.info(line),
        warn: (line) => channel.warn(line),
        error: (line) => channel.error(line),
      },
    });
    this.client.onDidChangeState((state) => this.stateEmitter.fire(state));
    this.client.onDidCrash((crash) => this.crashEmitter.fire(crash));
  }

  get backend(): BackendReport | undefined {
    return this.lastBackend;
  }

  /** The pool's counters; undefined while no runtime process runs. */
  get state(): RuntimePoolState | undefined {
    return this.client.state;
  }

  /** The runtime process's id; undefined while none runs. */
  get pid(): number | undefined {
    return this.client.pid;
  }

  run<K extends RegisteredKind>(
    request: RequestOf<K> & { kind: K },
    options: RunOptions = {},
  ): TaskHandle<ResultOf<K>> {
    return this.client.run<K>(request, options);
  }

  /** Cancels every running or queued task; returns how many were asked to stop. */
  cancelAll(): number {
    return this.client.cancelAll('cancelled by the user');
  }

  get runningCount(): number {
    return this.client.runningCount;
  }

  /** Asks a worker which backend it runs; the answer goes to the status bar and the panel. */
  async probe(): Promise<BackendReport> {
    const started = performance.now();
    const result = await this.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result;
    const state = this.client.state;
    const report: BackendReport = {
      backend: result.backend,
      threadId: result.threadId,
      probeMs: performance.now() - started,
      pool: {
        workers: state?.workers ?? 0,
        running: state?.running ?? 0,
        queued: state?.queued ?? 0,
        intraOpThreads: state?.plan.intraOpThreads ?? 0,
        interOpThreads: state?.plan.interOpThreads ?? 0,
      },
    };
    this.lastBackend = report;
    if (result.backend.backend !== 'tensorflow') {
      log().error(
        `TensorFlow native backend unavailable, running on the slow pure-JS cpu backend: ${result.backend.fallbackReason ?? 'unknown reason'}`,
      );
      void vscode.window.showWarningMessage(
        `MaskLens is running without native TensorFlow (${result.backend.fallbackReason ?? 'unknown reason'}). Results are correct but slow.`,
      );
    } else {
      log().info(
        `Worker ${result.threadId} runs native TensorFlow ${result.backend.tensorflowVersion ?? ''} from ${result.backend.libraryPath ?? 'an unknown path'} (tfjs ${result.backend.tfjsVersion}).`,
      );
    }
    this.backendEmitter.fire(report);
    return report;
  }

  /** Applies changed settings: the runtime process restarts with them once it is idle. */
  applySettings(): void {
    this.client.updateSettings(runtimeSettings(readSettings()));
  }

  /** Another TensorFlow library may be wanted: the process restarts once idle, and the next task chooses again. */
  chooseLibraryAgain(): void {
    this.lastBackend = undefined;
    this.client.renewEnvironment();
  }

  dispose(): void {
    void this.client.close();
    this.stateEmitter.dispose();
    this.backendEmitter.dispose();
    this.crashEmitter.dispose();
  }
}
