/**
 * The analysis process in the real VS Code: a file whose reading ends in a V8 fatal error (it
 * killed the extension host when the analysis ran there) now only costs the analysis process its
 * life; the file gets an "analysis stopped" diagnostic and other files are analysed as before.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LIST_DOUBLING } from '../analysisProcess/texts';
import { activateExtension, openExample, openScratch, screenshot, sleep } from './harness';

async function diagnosticsOf(uri: vscode.Uri, code: string, timeoutMs: number): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = vscode.languages.getDiagnostics(uri).filter((d) => d.code === code);
    if (found.length > 0 || Date.now() > deadline) return found;
    await sleep(100);
  }
}

suite('analysis process', () => {
  test('opening the list-doubling file leaves the host alive, reports "analysis stopped" on it, and the next file is analysed', async () => {
    const api = await activateExtension();
    const hostPid = process.pid;
    const editor = await openScratch('list_doubling.py', LIST_DOUBLING);
    const stopped = await diagnosticsOf(editor.document.uri, 'analysis-stopped', 60_000);
    assert.equal(stopped.length, 1, `no analysis-stopped diagnostic on the file; it has ${JSON.stringify(vscode.languages.getDiagnostics(editor.document.uri).map((d) => d.message))}`);
    assert.match(stopped[0].message, /^MaskLens analysis stopped: (ran out of memory|the analysis process crashed|took more than)/);
    assert.equal(process.pid, hostPid);
    const analysis = await api.analyses.get(editor.document);
    assert.ok(analysis?.analysis.stopped, 'the document analysis does not say it stopped');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('analysis-stopped-list-doubling');

    const next = await openExample('seed002_lambda_drops_mask.py');
    const found = await diagnosticsOf(next.document.uri, 'lambda-drops-mask', 30_000);
    assert.equal(found.length, 1, 'the file opened after the crash was not analysed');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', next.document.uri)) ?? [];
    assert.ok(lenses.some((l) => l.command?.command === 'masklens.evaluate'), 'no Evaluate lens on the file opened after the crash');
    next.revealRange(found[0].range, vscode.TextEditorRevealType.InCenter); // the model, its lenses and the Lambda's squiggle
    await sleep(1000); // VS Code's own lens request waits for a pause
    await screenshot('analysis-after-crash-seed002');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });
});
