/**
 * The analysis side of the hostile suite runs each file through the analysis process the
 * extension starts (dist/analysis.js, through its client), with the extension's default limits,
 * and measures each case: the time from opening the document to its analysis, and the process'
 * peak resident memory while it was analysed (Linux's VmHWM, reset before each case by writing
 * 5 to /proc/PID/clear_refs). A crash (a new process), an analysis stopped for time or memory,
 * or no analysis at all fails the case.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisClient } from '../../src/analysisProcess/client';
import type { AnalysisLimits, AnalysisView } from '../../src/core/protocol/analysisProcess';

const root = join(__dirname, '..', '..');
/** The extension's defaults (masklens.analysis.timeLimitSeconds, memoryLimitMB). */
export const LIMITS: AnalysisLimits = { timeLimitMs: 5000, memoryLimitMB: 1024 };
/** How far a case may take the analysis process' resident memory (its thread's heap cap is 1,024 MB). */
export const PEAK_RSS_LIMIT_MB = 900;

export interface Measured {
  view: AnalysisView;
  ms: number;
  peakRssMB: number;
}

function status(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, `no ${field} in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

export class AnalysisRun {
  private readonly client = new AnalysisClient({ serverModule: join(root, 'dist', 'analysis.js'), limits: LIMITS });
  private readonly waiting = new Map<string, (view: AnalysisView) => void>();
  private pid: number | undefined;
  private count = 0;

  constructor() {
    this.client.onAnalysis((view) => this.waiting.get(view.uri)?.(view));
  }

  async ready(): Promise<void> {
    await this.client.whenReady();
    this.pid = this.client.pid;
    assert.ok(this.pid, 'the analysis process did not start');
  }

  /** Analyses `text` as a document of its own; fails on a crash, a stop or no answer within `timeoutMs`. */
  async analyse(text: string, label: string, timeoutMs = LIMITS.timeLimitMs + 10_000): Promise<Measured> {
    const pid = this.pid;
    assert.ok(pid, 'ready() first');
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const uri = `file:///hostile/${this.count++}.py`;
    const t0 = performance.now();
    const view = await new Promise<AnalysisView>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: no analysis within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(uri, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      this.client.open({
        uri,
        file: `/tmp/hostile/${label.replace(/\W+/g, '_')}.py`,
        label,
        version: 1,
        text,
        settings: { family: 'keras3', dimensions: {} },
      });
    });
    const ms = performance.now() - t0;
    this.waiting.delete(uri);
    assert.equal(
      this.client.pid,
      pid,
      `${label}: the analysis process died (${view.stopped?.message ?? 'no message'})`,
    );
    const peakRssMB = status(pid, 'VmHWM');
    this.client.close(uri);
    assert.equal(view.stopped, null, `${label}: ${view.stopped?.message}`);
    const internal = [...view.diagnostics, ...view.models.flatMap((m) => m.diagnostics)].filter(
      (d) => d.code === 'internal-error',
    );
    assert.deepEqual(internal, [], `${label}: internal error`);
    assert.ok(peakRssMB < PEAK_RSS_LIMIT_MB, `${label}: the analysis process peaked at ${peakRssMB.toFixed(0)} MB`);
    return { view, ms, peakRssMB };
  }

  dispose(): void {
    this.client.dispose();
  }
}

/** Writes the measurements where the runtime side writes its own (test-results/). */
export function writeResults(name: string, rows: unknown): void {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', name), `${JSON.stringify(rows, null, 2)}\n`);
}
