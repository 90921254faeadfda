/**
 * Results that no longer hold: a run saw one version of its file and one set of data files; when
 * the file is edited or other data is picked, its lens and (if shown) the panel say it is outdated.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskOrigin } from '../core/protocol/viewMessages';
import type { LensState } from './lensState';
import type { PanelController } from './panel/panelController';

export function fileChangedReason(origin: TaskOrigin, version: number): string | undefined {
  return origin.version === version
    ? undefined
    : `${origin.file} changed after this run (the run saw version ${origin.version}; it is now ${version})`;
}

export class Staleness implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  /** Watchers on the data files of each model's last run, by document and model. */
  private readonly dataWatchers = new Map<string, vscode.Disposable>();

  constructor(
    private readonly lenses: LensState,
    private readonly panel: PanelController,
  ) {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      this.mark(e.document.uri, (origin) => fileChangedReason(origin, e.document.version));
    });
  }

  /**
   * Watches the files a run read: when one changes on disk (or goes), the run's result is
   * outdated. Replaces the watchers of the model's previous run.
   */
  watchData(uri: vscode.Uri, model: string, files: string[]): void {
    const key = `${uri.toString()}#${model}`;
    this.dataWatchers.get(key)?.dispose();
    this.dataWatchers.delete(key);
    if (files.length === 0) return;
    const watchers = files.map((file) => {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
        true,
        false,
        false,
      );
      const changed = () =>
        this.mark(uri, () => `${path.basename(file)}, which this run read, changed on disk after it`, model);
      return vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidDelete(changed));
    });
    this.dataWatchers.set(key, vscode.Disposable.from(...watchers));
  }

  /** Other data files were picked for `model`: its result no longer shows what the next run will. */
  dataChanged(uri: vscode.Uri, model: string): void {
    this.mark(uri, () => 'other data files were picked for this model after this run', model);
  }

  private mark(uri: vscode.Uri, reason: (origin: TaskOrigin) => string | undefined, model?: string): void {
    for (const origin of this.lenses.markOutdated(uri, reason, model)) {
      const why = reason(origin);
      if (why) this.panel.markOutdated(origin.runId, why);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    for (const w of this.dataWatchers.values()) w.dispose();
    this.dataWatchers.clear();
  }
}
