/**
 * The extension host's side of the analysis process, free of vscode so that tests and the
 * benchmark drive the very code the extension runs. It forks dist/analysis.js with a heap cap,
 * keeps the process' copy of each open document in sync (open, incremental changes, close),
 * and validates every analysis that comes back.
 *
 * When the process dies (a V8 fatal error, a native crash, or the client's own watchdog killing
 * a process that overran its time limit), the document version it was analysing gets a
 * "MaskLens analysis stopped: …" analysis and is not analysed again; the process is started
 * again and every document re-opened, so other files keep their analyses.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ANALYSIS_METHODS as M,
  analysisStateSchema,
  analysisViewSchema,
  taskInputReplySchema,
  type AnalysisLimits,
  type AnalysisView,
  type ContentChange,
  type DocumentSettings,
  type TaskInputReply,
} from '../core/protocol/analysisProcess';
import { describeExit, type ExitCause } from './exits';
import { formatDuration, stoppedView } from './stopped';

export interface ClientDocument {
  uri: string;
  file: string;
  label: string;
  version: number;
  text: string;
  settings: DocumentSettings;
}

export interface AnalysisClientOptions {
  /** Path of dist/analysis.js. */
  serverModule: string;
  limits: AnalysisLimits;
  /** The process' stderr and the client's own notes, line by line. */
  log?: (line: string) => void;
}

/** The process' main thread keeps documents, not analyses: a small heap is plenty. */
const PROCESS_HEAP_MB = 512;
/** How long past the time limit the process may take to stop its analyzer before the client kills it. */
const WATCHDOG_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 16_384;
/** Restarts within this window count towards the back-off (a process that dies without analysing anything). */
const RESTART_WINDOW_MS = 60_000;

interface SyncedDocument {
  text: TextDocument;
  file: string;
  label: string;
  settings: DocumentSettings;
}

export class AnalysisClient {
  private child: ChildProcess | null = null;
  private connection: MessageConnection | null = null;
  private initialized: Promise<void> = Promise.resolve();
  private readonly documents = new Map<string, SyncedDocument>();
  /** Per document, a version whose analysis was stopped (or killed the process): it is not analysed again. */
  private readonly stopped = new Map<string, number>();
  private running: { uri: string; version: number } | null = null;
  private watchdog: NodeJS.Timeout | undefined;
  private killedBy: ExitCause | { reason: 'time'; why: string } | null = null;
  private stderrTail = '';
  private readonly listeners = new Set<(view: AnalysisView) => void>();
  private restarts: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: AnalysisClientOptions) {
    this.start();
  }

  /** The process' id (tests kill it to check the restart). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves when the current process answered its initialize request. */
  whenReady(): Promise<void> {
    return this.initialized;
  }

  onAnalysis(listener: (view: AnalysisView) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  open(d: ClientDocument): void {
    this.stopped.delete(d.uri);
    this.documents.set(d.uri, {
      text: TextDocument.create(d.uri, 'python', d.version, d.text),
      file: d.file,
      label: d.label,
      settings: d.settings,
    });
    this.notify(M.didOpen, {
      uri: d.uri,
      file: d.file,
      label: d.label,
      version: d.version,
      text: d.text,
      settings: d.settings,
      analyse: true,
    });
  }

  change(uri: string, version: number, changes: ContentChange[]): void {
    const d = this.documents.get(uri);
    if (!d) return;
    d.text = TextDocument.update(d.text, changes, version);
    this.notify(M.didChange, { uri, version, changes });
  }

  setSettings(uri: string, settings: DocumentSettings): void {
    const d = this.documents.get(uri);
    if (!d) return;
    d.settings = settings;
    this.notify(M.didChangeSettings, { uri, settings, analyse: this.analysable(uri) });
  }

  close(uri: string): void {
    if (!this.documents.delete(uri)) return;
    this.stopped.delete(uri);
    this.notify(M.didClose, { uri });
  }

  /** The text the process has of a document (what the client re-sends after a restart). */
  textOf(uri: string): string | undefined {
    return this.documents.get(uri)?.text.getText();
  }

  /** What a task needs of one model, from the newest analysis of the document. */
  async taskInput(uri: string, version: number, model: string): Promise<TaskInputReply> {
    await this.initialized;
    const connection = this.connection;
    if (!connection) throw new Error('the MaskLens analysis process is restarting; try again in a moment');
    let raw: unknown;
    try {
      raw = await connection.sendRequest(M.taskInput, { uri, version, model });
    } catch (error) {
      throw new Error(
        error instanceof ResponseError
          ? error.message
          : `the MaskLens analysis process did not answer (${String(error)})`,
      );
    }
    const reply = taskInputReplySchema.safeParse(raw);
    if (!reply.success)
      throw new Error(`the MaskLens analysis process sent a malformed task input: ${reply.error.message}`);
    return reply.data;
  }

  /** New limits: a new process (documents are re-opened and analysed again). */
  restart(limits: AnalysisLimits): void {
    this.options.limits = limits;
    this.stop();
    this.start();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.stop();
    this.listeners.clear();
  }

  private analysable(uri: string): boolean {
    return this.stopped.get(uri) !== this.documents.get(uri)?.text.version;
  }

  private notify(method: string, params: object): void {
    // While the process restarts there is no connection; the restart re-opens every document as it is then.
    void this.connection
      ?.sendNotification(method, params)
      .catch((error: unknown) => this.log(`could not send ${method}: ${String(error)}`));
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private start(): void {
    const child = fork(this.options.serverModule, [], {
      // not the host's own flags (an inspector port, a loader): only the heap cap
      execArgv: [`--max-old-space-size=${PROCESS_HEAP_MB}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    this.stderrTail = '';
    const forward = (chunk: Buffer, keep: boolean): void => {
      const text = chunk.toString('utf8');
      if (keep) this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
      for (const line of text.split('\n')) if (line.trim()) this.log(`[analysis process] ${line}`);
    };
    child.stdout?.on('data', (chunk: Buffer) => forward(chunk, false));
    child.stderr?.on('data', (chunk: Buffer) => forward(chunk, true));
    child.on('exit', (code, signal) => this.exited(child, code, signal));
    child.on('error', (error) => this.log(`analysis process error: ${error.message}`));

    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    this.connection = connection;
    connection.onNotification(M.analysis, (raw: unknown) => {
      const view = analysisViewSchema.safeParse(raw);
      if (view.success) this.receive(view.data);
      else this.log(`ignored a malformed analysis: ${view.error.message}`);
    });
    connection.onNotification(M.analysisState, (raw: unknown) => {
      const state = analysisStateSchema.safeParse(raw);
      if (state.success) this.track(child, state.data.running);
    });
    connection.onError(([error]) => this.log(`analysis process connection: ${error.message}`));
    connection.listen();
    this.initialized = connection.sendRequest(M.initialize, this.options.limits).then(
      () => undefined,
      (error: unknown) => this.log(`the analysis process did not initialise: ${String(error)}`),
    );
    for (const [uri, d] of this.documents) {
      this.notify(M.didOpen, {
        uri,
        file: d.file,
        label: d.label,
        version: d.text.version,
        text: d.text.getText(),
        settings: d.settings,
        analyse: this.analysable(uri),
      });
    }
  }

  /** Ends the current process on purpose (no stopped analysis, no restart). */
  private stop(): void {
    const child = this.child;
    this.child = null;
    this.connection?.dispose();
    this.connection = null;
    this.running = null;
    clearTimeout(this.watchdog);
    child?.kill('SIGKILL');
  }

  /** The analysis in progress; one that overruns its limit by WATCHDOG_GRACE_MS gets the process killed. */
  private track(child: ChildProcess, running: { uri: string; version: number } | null): void {
    clearTimeout(this.watchdog);
    this.running = running;
    if (!running) return;
    const limit = this.options.limits.timeLimitMs;
    this.watchdog = setTimeout(() => {
      if (this.child !== child) return;
      this.killedBy = {
        reason: 'time',
        why: `took more than ${formatDuration(limit)} (the analysis process did not stop it and was restarted)`,
      };
      child.kill('SIGKILL');
    }, limit + WATCHDOG_GRACE_MS);
  }

  private receive(view: AnalysisView): void {
    // The analysis ends what was running even before the process says it is idle: a death in between is not its fault.
    if (this.running?.uri === view.uri && this.running.version === view.version) {
      this.running = null;
      clearTimeout(this.watchdog);
    }
    const d = this.documents.get(view.uri);
    if (!d) return;
    if (view.stopped) this.stopped.set(view.uri, view.version);
    for (const listener of this.listeners) listener(view);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return; // stopped on purpose
    const cause = this.killedBy ?? describeExit(code, signal, this.stderrTail);
    const running = this.running;
    this.killedBy = null;
    this.stop();
    if (this.disposed) return;
    this.log(
      `the analysis process ended: ${cause.why}${running ? ` while analysing ${running.uri} (version ${running.version})` : ''}`,
    );
    const d = running && this.documents.get(running.uri);
    if (running && d && d.text.version === running.version) {
      this.stopped.set(running.uri, running.version);
      const view = stoppedView(running.uri, running.version, d.settings.family, cause.reason, cause.why);
      for (const listener of this.listeners) listener(view);
    }
    // A process that keeps dying with nothing to blame it on is restarted ever more slowly.
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const delay = running ? 0 : Math.min(30_000, 250 * 2 ** (this.restarts.length - 1));
    this.restartTimer = setTimeout(() => {
      if (!this.disposed && !this.child) this.start();
    }, delay);
  }
}
