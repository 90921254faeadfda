/**
 * Publishes the analysis' findings to the Problems view and offers their mechanical fixes
 * (e.g. seed 002's missing Lambda `mask=`) as quick-fix code actions.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../core/ir';
import type { AnalysisService } from './analysisService';
import { toDiagnostic, toRange } from './convert';

export class MaskDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };
  private readonly collection = vscode.languages.createDiagnosticCollection('masklens');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly analyses: AnalysisService) {
    this.subscription = analyses.onDidAnalyze(({ uri, analysis }) => {
      const all: Diagnostic[] = [...analysis.diagnostics, ...analysis.models.flatMap((m) => m.diagnostics)];
      this.collection.set(uri, all.map(toDiagnostic));
    });
  }

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
  ): Promise<vscode.CodeAction[]> {
    const result = await this.analyses.get(document);
    if (!result) return [];
    const found = [...result.analysis.diagnostics, ...result.analysis.models.flatMap((m) => m.diagnostics)];
    const actions: vscode.CodeAction[] = [];
    for (const d of found) {
      if (!d.fix || !toRange(d.range).intersection(range)) continue;
      const action = new vscode.CodeAction(d.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [toDiagnostic(d)];
      action.isPreferred = true;
      const edit = new vscode.WorkspaceEdit();
      for (const e of d.fix.edits) edit.replace(document.uri, toRange(e.range), e.newText);
      action.edit = edit;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
