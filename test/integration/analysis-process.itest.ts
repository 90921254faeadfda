/**
 * The analysis process in the real VS Code: files whose reading once ended in a V8 fatal error
 * (it killed the extension host when the analysis ran there, then the analysis process) are now
 * read to the end: the value that would grow without bound becomes unknown, with one warning on
 * the line that grows it, and the next file is analysed and gets its lenses as before.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LIST_DOUBLING, STRING_DOUBLING } from '../analysisProcess/texts';
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
  test('opening the list-doubling and the string-doubling bombs leaves the host alive, puts one warning on the doubling line of each, and the next file gets its lenses', async () => {
    const api = await activateExtension();
    const hostPid = process.pid;
    const bombs = [
      {
        name: 'list_doubling.py',
        text: LIST_DOUBLING,
        line: 2,
        message: /^This list would grow past 1,000,000 elements; MaskLens stops following its value here\.$/,
      },
      {
        name: 'string_doubling.py',
        text: STRING_DOUBLING,
        line: 4,
        message: /^This string would grow past 1,000,000 characters; MaskLens stops following its value here\.$/,
      },
    ];
    for (const bomb of bombs) {
      const editor = await openScratch(bomb.name, bomb.text);
      const limits = await diagnosticsOf(editor.document.uri, 'analysis-limit', 60_000);
      const all = vscode.languages.getDiagnostics(editor.document.uri);
      assert.equal(
        limits.length,
        1,
        `${bomb.name}: expected one analysis-limit warning; the file has ${JSON.stringify(all.map((d) => d.message))}`,
      );
      assert.equal(
        limits[0].range.start.line,
        bomb.line,
        `${bomb.name}: the warning is on line ${limits[0].range.start.line + 1}`,
      );
      assert.match(limits[0].message, bomb.message);
      assert.equal(limits[0].severity, vscode.DiagnosticSeverity.Warning);
      assert.ok(
        !all.some((d) => d.code === 'analysis-stopped' || d.code === 'internal-error'),
        `${bomb.name}: ${JSON.stringify(all.map((d) => d.message))}`,
      );
      const analysis = await api.analyses.get(editor.document);
      assert.equal(analysis?.analysis.stopped ?? null, null, `${bomb.name}: the document analysis says it stopped`);
      assert.equal(process.pid, hostPid);
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('analysis-limit-string-doubling');

    const next = await openExample('seed002_lambda_drops_mask.py');
    const found = await diagnosticsOf(next.document.uri, 'lambda-drops-mask', 30_000);
    assert.equal(found.length, 1, 'the file opened after the bombs was not analysed');
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', next.document.uri)) ??
      [];
    assert.ok(
      lenses.some((l) => l.command?.command === 'masklens.evaluate'),
      'no Evaluate lens on the file opened after the bombs',
    );
    next.revealRange(found[0].range, vscode.TextEditorRevealType.InCenter);
    await sleep(1000); // VS Code's own lens request waits for a pause
    await screenshot('analysis-after-bombs-seed002');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });
});
