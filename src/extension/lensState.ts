/** What the lenses show per model: a running task, the last result's one-line summary, or the last failure. */
import * as vscode from 'vscode';
import type { TaskOrigin } from '../core/protocol/viewMessages';

export interface LensEntry {
  running?: string;
  summary?: string;
  /** The last run failed: the task and its full message (the lens shows it shortened, the tooltip in full). */
  error?: { task: string; message: string };
  /** The run the summary or error belongs to. */
  origin?: TaskOrigin;
  /** Why the summary no longer holds (the file or the data changed since the run). */
  outdated?: string;
}

export class LensState {
  private readonly entries = new Map<string, LensEntry>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  static key(uri: vscode.Uri, model: string): string {
    return `${uri.toString()}#${model}`;
  }

  get(uri: vscode.Uri, model: string): LensEntry {
    return this.entries.get(LensState.key(uri, model)) ?? {};
  }

  set(uri: vscode.Uri, model: string, entry: LensEntry): void {
    this.entries.set(LensState.key(uri, model), entry);
    this.emitter.fire();
  }

  /**
   * Marks the document's results (one model's, when `model` is given) as outdated where
   * `reason` gives a reason for their run; returns the runs newly marked.
   */
  markOutdated(uri: vscode.Uri, reason: (origin: TaskOrigin) => string | undefined, model?: string): TaskOrigin[] {
    const prefix = `${uri.toString()}#`;
    const marked: TaskOrigin[] = [];
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix) || entry.outdated || !entry.origin || (!entry.summary && !entry.error)) continue;
      if (model !== undefined && key !== LensState.key(uri, model)) continue;
      const why = reason(entry.origin);
      if (!why) continue;
      this.entries.set(key, { ...entry, outdated: why });
      marked.push(entry.origin);
    }
    if (marked.length > 0) this.emitter.fire();
    return marked;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
