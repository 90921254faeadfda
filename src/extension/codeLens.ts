/**
 * "Evaluate with Masking", "Compare Losses", "Train with Masking" above every detected model;
 * while a task runs, a lens shows it with a way to cancel; afterwards, the result inline.
 * Lenses come from the analysis of the document's current version, which the analysis process
 * sends without being asked: a request waits for it, never for work on this thread.
 *
 * After an edit VS Code asks for lenses by itself, once typing has paused for its CodeLens
 * debounce (at least 250 ms; a fixed 375 ms for an extension under development). Announcing
 * the edit's analysis as well would restart that wait, so a change is announced only when the
 * text did not change: new settings, a restarted process, a running task.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { toRange } from './convert';
import type { LensState } from './lensState';

/** How much of a failure's message the lens shows; the tooltip and the panel have all of it. */
const LENS_MESSAGE = 90;

function cut(text: string): string {
  return text.length <= LENS_MESSAGE ? text : `${text.slice(0, LENS_MESSAGE - 1)}…`;
}

export class MaskLensCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly analyses: AnalysisService,
    private readonly state: LensState,
  ) {
    this.subscriptions = [
      analyses.onDidAnalyze((result) => {
        if (result.sameText) this.emitter.fire();
      }),
      state.onDidChange(() => this.emitter.fire()),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const result = await this.analyses.get(document);
    if (!result) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const model of result.analysis.models) {
      const at = toRange(model.range).with(undefined, toRange(model.range).start);
      const args = [document.uri, model.name];
      const entry = this.state.get(document.uri, model.name);
      if (entry.running) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: `$(sync~spin) ${entry.running} — cancel`,
            command: 'masklens.cancel',
            tooltip: 'Cancel the running MaskLens task',
          }),
        );
      } else {
        lenses.push(
          new vscode.CodeLens(at, {
            title: 'Evaluate with Masking',
            command: 'masklens.evaluate',
            arguments: args,
            tooltip: `Run ${model.name} on native TensorFlow and show per-layer masks and per-timestep losses`,
          }),
          new vscode.CodeLens(at, {
            title: 'Compare Losses',
            command: 'masklens.compareLosses',
            arguments: args,
            tooltip: 'Masked vs unmasked loss under each Keras version’s reduction',
          }),
          new vscode.CodeLens(at, {
            title: 'Train with Masking',
            command: 'masklens.train',
            arguments: args,
            tooltip: 'Train with the masked loss and watch masked vs unmasked loss per epoch',
          }),
        );
      }
      if (model.incomplete && !entry.running) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: `$(warning) incomplete model: ${model.incomplete} — no verdict`,
            command: 'workbench.actions.view.problems',
            tooltip:
              'Part of this model is in a statement Python cannot read. Fix the syntax error to see whether its mask reaches the loss.',
          }),
        );
      } else if (entry.error && !entry.running) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: `$(error) ${entry.error.task} failed: ${cut(entry.error.message)}${entry.outdated ? ' (file changed since)' : ''}`,
            command: 'masklens.showPanel',
            tooltip: `${entry.error.message}\n\nShow the error, where it is and what to do in the MaskLens panel`,
          }),
        );
      } else if (entry.summary && entry.outdated) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: `$(history) outdated: ${entry.summary}`,
            command: 'masklens.showPanel',
            tooltip: `${entry.outdated}. Run again for current numbers.`,
          }),
        );
      } else if (entry.summary)
        lenses.push(
          new vscode.CodeLens(at, {
            title: entry.summary,
            command: 'masklens.showPanel',
            tooltip: 'Show the last result in the MaskLens panel',
          }),
        );
      else if (model.lossMasked === 'no' && model.loss && model.outputPerTimestep !== false) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: `$(warning) mask does not reach the loss (${result.analysis.keras})`,
            command: 'workbench.actions.view.problems',
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
