/**
 * The getting-started walkthrough's side of the extension: the command that opens seed 002's
 * example (shipped in dist/, as examples/ is not in the .vsix) as an untitled file, and the
 * context keys its steps complete on: the example's dropped mask fixed, two runs compared.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import type { TaskCommands } from './commands';

const EXAMPLE = ['dist', 'walkthrough', 'seed002_lambda_drops_mask.py'];

export function walkthrough(
  extensionUri: vscode.Uri,
  analyses: AnalysisService,
  tasks: TaskCommands,
): vscode.Disposable[] {
  /** Untitled documents opened by the walkthrough, whose dropped mask the fix step waits for. */
  const examples = new Set<string>();
  return [
    vscode.commands.registerCommand('masklens.openWalkthroughExample', async () => {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, ...EXAMPLE));
      const document = await vscode.workspace.openTextDocument({
        language: 'python',
        content: new TextDecoder().decode(bytes),
      });
      examples.add(document.uri.toString());
      return vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    }),
    analyses.onDidAnalyze((result) => {
      if (!examples.has(result.uri.toString())) return;
      const dropped = result.analysis.models.some((m) => m.diagnostics.some((d) => d.code === 'lambda-drops-mask'));
      if (!dropped) void vscode.commands.executeCommand('setContext', 'masklens.walkthrough.fixed', true);
    }),
    tasks.onDidRecordRun((runs) => {
      if (runs >= 2) void vscode.commands.executeCommand('setContext', 'masklens.runsCompared', true);
    }),
  ];
}
