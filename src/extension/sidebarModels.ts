/** Feeds the side view the active editor's models, following the editor and its edits. */
import * as vscode from 'vscode';
import { fitModelSummaries } from '../core/protocol/fitForView';
import type { ModelSummary } from '../core/protocol/viewMessages';
import type { AnalysisService, DocumentAnalysis } from './analysisService';
import type { LensState } from './lensState';
import type { SidebarViewProvider } from './sidebarView';

export function summarise(result: DocumentAnalysis, lenses: LensState): ModelSummary[] {
  return result.analysis.models.map((m) => ({
    name: m.name,
    kind: m.kind,
    line: m.range.start.line,
    loss: m.loss,
    lossMasked: m.lossMasked,
    outputPerTimestep: m.outputPerTimestep,
    layers: m.layers.map((l) => ({ name: l.name, className: l.className, in: l.mask.in, out: l.mask.out, effect: l.mask.effect, line: l.range.start.line })),
    diagnostics: m.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, line: d.range.start.line })),
    lastResult: lenses.get(result.uri, m.name).summary ?? null,
  }));
}

export function followActiveEditor(analyses: AnalysisService, lenses: LensState, sidebar: SidebarViewProvider): vscode.Disposable[] {
  const publish = async (): Promise<void> => {
    const document = vscode.window.activeTextEditor?.document;
    const result = document ? await analyses.get(document) : undefined;
    if (!document || !result) {
      sidebar.post({ type: 'models', file: null, keras: '', models: [] });
      return;
    }
    // A notebook cell: the whole notebook's models, each cell's own, named by cell.
    const parts = analyses.notebookParts(document);
    if (parts.length > 0) {
      const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === document));
      const models = parts.flatMap((p) => summarise(p.result, lenses).map((m) => ({ ...m, origin: `cell ${p.cell + 1}, line ${m.line + 1}` })));
      sidebar.post({ type: 'models', file: notebook ? vscode.workspace.asRelativePath(notebook.uri) : vscode.workspace.asRelativePath(document.uri), keras: result.analysis.keras, ...fitModelSummaries(models) });
      return;
    }
    sidebar.post({ type: 'models', file: vscode.workspace.asRelativePath(document.uri), keras: result.analysis.keras, ...fitModelSummaries(summarise(result, lenses)) });
  };
  void publish();
  return [
    vscode.window.onDidChangeActiveTextEditor(() => void publish()),
    analyses.onDidAnalyze((r) => {
      if (vscode.window.activeTextEditor?.document.uri.toString() === r.uri.toString()) void publish();
    }),
    lenses.onDidChange(() => void publish()),
  ];
}
