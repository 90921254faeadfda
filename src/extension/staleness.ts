/**
 * Results that no longer hold: a run saw one version of its file and one set of data files; when
 * the file is edited or other data is picked, its lens and (if shown) the panel say it is outdated.
 */
import * as vscode from 'vscode';
import type { TaskOrigin } from '../core/protocol/viewMessages';
import type { LensState } from './lensState';
import type { PanelController } from './panel/panelController';

export function fileChangedReason(origin: TaskOrigin, version: number): string | undefined {
  return origin.version === version ? undefined : `${origin.file} changed after this run (the run saw version ${origin.version}; it is now ${version})`;
}

export class Staleness implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly lenses: LensState,
    private readonly panel: PanelController,
  ) {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      this.mark(e.document.uri, (origin) => fileChangedReason(origin, e.document.version));
    });
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
  }
}
