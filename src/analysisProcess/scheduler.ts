/**
 * Which document the analyzer thread works on next. Every edit asks for the document's newest
 * version; while typing goes on, an analysis of an older version is cancelled rather than
 * finished, so the thread is never behind by more than the analysis in hand. Documents take
 * turns in the order they asked. A stopped analysis is reported once and not retried: only a
 * new edit or new settings ask for that document again.
 */
import type { AnalysisLimits } from '../core/protocol/analysisProcess';
import type { AnalyzerThread } from './analyzerThread';
import type { OpenDocuments } from './documents';
import { stoppedView } from './stopped';

/** What the scheduler tells the extension host. */
export interface AnalysisReporter {
  /** The document version the thread works on now, or null when it is idle. */
  state(running: { uri: string; version: number } | null): void;
  /** An analysis of a current version: the thread's view (checked by the host), or a stopped one. */
  analysis(view: unknown): void;
}

export class AnalysisScheduler {
  /** Documents waiting for an analysis of their newest version, in the order they asked. */
  private readonly waiting = new Set<string>();
  /** Per document, the task inputs of its newest finished analysis. */
  readonly taskInputs = new Map<string, { version: number; byModel: Record<string, unknown> }>();
  private pumping = false;

  constructor(
    private readonly documents: OpenDocuments,
    private readonly thread: AnalyzerThread,
    private readonly limits: AnalysisLimits,
    private readonly reporter: AnalysisReporter,
  ) {}

  /** Analyse the document's newest version (cancelling an analysis of an older one). */
  request(uri: string): void {
    this.waiting.add(uri);
    if (this.thread.busyWith?.uri === uri) this.thread.cancel();
    void this.pump();
  }

  /** The document was closed. */
  drop(uri: string): void {
    this.waiting.delete(uri);
    this.taskInputs.delete(uri);
    if (this.thread.busyWith?.uri === uri) this.thread.cancel();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let uri = this.next(); uri !== undefined; uri = this.next()) {
        this.waiting.delete(uri);
        const d = this.documents.get(uri);
        if (!d) continue;
        const job = {
          uri,
          version: d.text.version,
          file: d.file,
          label: d.label,
          text: d.text.getText(),
          settings: d.settings,
        };
        this.reporter.state({ uri, version: job.version });
        const outcome = await this.thread.run(job, this.limits.timeLimitMs);
        // A result for a version that is no longer the newest (or a closed document) is not worth reporting.
        const current = !this.waiting.has(uri) && this.documents.get(uri)?.text.version === job.version;
        if (!current || outcome.kind === 'cancelled') continue;
        if (outcome.kind === 'analysed') {
          this.taskInputs.set(uri, { version: job.version, byModel: outcome.taskInputs });
          this.reporter.analysis(outcome.view);
        } else {
          this.taskInputs.delete(uri);
          this.reporter.analysis(stoppedView(uri, job.version, job.settings.family, outcome.reason, outcome.why));
        }
      }
    } finally {
      this.pumping = false;
      this.reporter.state(null);
    }
  }

  private next(): string | undefined {
    return this.waiting.values().next().value;
  }
}
