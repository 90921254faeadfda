/** What the lenses show per model: a running task, or the last result's one-line summary. */
import * as vscode from 'vscode';

export interface LensEntry {
  running?: string;
  summary?: string;
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

  dispose(): void {
    this.emitter.dispose();
  }
}
