/**
 * The analysis process' side of its analyzer thread: runs one job at a time on it, with a heap
 * cap (`resourceLimits`) and a time budget, and replaces the thread when it had to be ended.
 *
 * Why a thread inside the process: terminating a worker thread stops a runaway loop within
 * milliseconds, and a heap that grows step by step past `resourceLimits` ends only that thread
 * (ERR_WORKER_OUT_OF_MEMORY). Why the process around it: V8's fatal errors (an "invalid size"
 * CHECK, or a single allocation beyond the heap limit) abort the whole process even when they
 * happen in a worker thread, so only a process boundary keeps them away from the extension host.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { STOP_FLAG, threadReplySchema, type AnalysisJob } from '../core/protocol/analysisProcess';
import { formatDuration } from './stopped';

/** How long a job that was told to stop may take to notice before its thread is terminated. */
const STOP_GRACE_MS = 500;

export type JobOutcome =
  | { kind: 'analysed'; view: unknown; taskInputs: Record<string, unknown> }
  /** Stopped because a newer version of the document arrived: nothing to report. */
  | { kind: 'cancelled' }
  /** Stopped, or its thread ended, for a reason the user is told. */
  | { kind: 'stopped'; reason: 'time' | 'memory' | 'crash'; why: string };

interface Running {
  job: AnalysisJob;
  budgetMs: number;
  settle: (outcome: JobOutcome) => void;
  timers: NodeJS.Timeout[];
}

const outOfTime = (run: Running): JobOutcome => ({
  kind: 'stopped',
  reason: 'time',
  why: `took more than ${formatDuration(run.budgetMs)}`,
});

export class AnalyzerThread {
  private worker: Worker | null = null;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private running: Running | null = null;
  private disposed = false;

  constructor(
    private readonly memoryLimitMB: number,
    /** dist/analysisThread.js */
    private readonly script = join(__dirname, 'analysisThread.js'),
  ) {
    this.spawn(); // the grammar loads while nothing waits for it
  }

  private spawn(): Worker {
    const worker = new Worker(this.script, {
      workerData: { stopFlag: this.flag.buffer },
      resourceLimits: { maxOldGenerationSizeMb: this.memoryLimitMB },
      stdout: false,
      stderr: false,
    });
    worker.on('message', (raw: unknown) => {
      const run = this.running;
      if (this.worker !== worker || !run) return;
      const reply = threadReplySchema.safeParse(raw);
      if (!reply.success)
        return this.end(worker, {
          kind: 'stopped',
          reason: 'crash',
          why: `the analyzer sent a malformed reply (${reply.error.message})`,
        });
      if (run.job.uri !== reply.data.uri || run.job.version !== reply.data.version) return;
      if (reply.data.type === 'analysed')
        this.settle({ kind: 'analysed', view: reply.data.view, taskInputs: reply.data.taskInputs });
      else this.settle(Atomics.load(this.flag, 0) === STOP_FLAG.outOfTime ? outOfTime(run) : { kind: 'cancelled' });
    });
    // 'error' (an uncaught exception, or the heap cap) comes before 'exit'; whichever comes first settles the job.
    const died = (outcome: JobOutcome): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.settle(outcome);
      if (!this.disposed) this.spawn();
    };
    worker.on('error', (error: Error & { code?: string }) =>
      died(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { kind: 'stopped', reason: 'memory', why: `ran out of memory (more than ${this.memoryLimitMB} MB)` }
          : { kind: 'stopped', reason: 'crash', why: `the analyzer failed (${error.message})` },
      ),
    );
    worker.on('exit', (code) =>
      died({ kind: 'stopped', reason: 'crash', why: `the analyzer thread exited (code ${code})` }),
    );
    this.worker = worker;
    return worker;
  }

  /** Analyses one job; at most one runs at a time. */
  run(job: AnalysisJob, budgetMs: number): Promise<JobOutcome> {
    if (this.running) throw new Error('the analyzer thread is busy');
    const worker = this.worker ?? this.spawn();
    Atomics.store(this.flag, 0, STOP_FLAG.run);
    return new Promise<JobOutcome>((resolve) => {
      const run: Running = { job, budgetMs, settle: resolve, timers: [] };
      this.running = run;
      run.timers.push(
        setTimeout(() => {
          Atomics.store(this.flag, 0, STOP_FLAG.outOfTime);
          // Parsing and the mask analysis do not read the flag: a job that does not notice it in time is ended.
          run.timers.push(setTimeout(() => this.end(worker, outOfTime(run)), STOP_GRACE_MS));
        }, budgetMs),
      );
      worker.postMessage({ type: 'analyse', job });
    });
  }

  /** The running job's document has a newer version: stop the job soon (a cancelled outcome). */
  cancel(): void {
    if (this.running) Atomics.compareExchange(this.flag, 0, STOP_FLAG.run, STOP_FLAG.cancelled);
  }

  get busyWith(): AnalysisJob | null {
    return this.running?.job ?? null;
  }

  forget(file: string): void {
    this.worker?.postMessage({ type: 'forget', file });
  }

  private settle(outcome: JobOutcome): void {
    const run = this.running;
    if (!run) return;
    this.running = null;
    for (const t of run.timers) clearTimeout(t);
    run.settle(outcome);
  }

  /**
   * Terminates the thread, then settles the running job and starts a fresh thread for the next.
   * The job stays the running one until the thread is gone: a thread stuck in one huge
   * allocation may still take the process down, and the host then blames the right document
   * (or its watchdog kills the process if termination never completes).
   */
  private end(worker: Worker, outcome: JobOutcome): void {
    if (this.worker === worker) this.worker = null;
    void worker.terminate().then(() => {
      this.settle(outcome);
      if (!this.disposed && !this.worker) this.spawn();
    });
  }

  dispose(): void {
    this.disposed = true;
    const worker = this.worker;
    this.worker = null;
    this.settle({ kind: 'cancelled' });
    void worker?.terminate();
  }
}
