/**
 * The editor experience on the seed examples, in a real VS Code: lenses above every model,
 * seed 002's dropped mask in the Problems view with its quick fix, and Evaluate with Masking
 * delivering the runtime's numbers to the panel.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, examplesFolder, openExample, screenshot, sleep, waitForEvent } from './harness';

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  for (let i = 0; i < 100; i++) {
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    if (lenses.some((l) => l.command?.command === 'masklens.evaluate')) return lenses;
    await sleep(100);
  }
  return [];
}

suite('editor', () => {
  test('every example model gets Evaluate, Compare and Train lenses', async () => {
    await activateExtension();
    const files = (await vscode.workspace.fs.readDirectory(examplesFolder()))
      .map(([name]) => name)
      .filter((n) => /^seed.*\.py$/.test(n));
    assert.ok(files.length >= 7, `expected the seed examples, found ${files.join(', ')}`);
    for (const file of files) {
      const uri = vscode.Uri.joinPath(examplesFolder(), file);
      await vscode.workspace.openTextDocument(uri);
      const commands = (await lensesOf(uri)).map((l) => l.command?.command);
      for (const c of ['masklens.evaluate', 'masklens.compareLosses', 'masklens.train'])
        assert.ok(commands.includes(c), `${file}: no ${c} lens`);
    }
  });

  test("seed 002's Lambda without mask= is reported, and its quick fix inserts the answer's mask", async () => {
    await activateExtension();
    const editor = await openExample('seed002_lambda_drops_mask.py');
    const uri = editor.document.uri;
    let found: vscode.Diagnostic | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      found = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'lambda-drops-mask');
      if (!found) await sleep(100);
    }
    assert.ok(found, 'no lambda-drops-mask diagnostic in the Problems view');
    assert.equal(
      editor.document.getText(found.range).includes('Lambda'),
      true,
      `diagnostic range does not cover the Lambda: '${editor.document.getText(found.range)}'`,
    );
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('problems-lambda-drops-mask');
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        found.range,
      )) ?? [];
    // executeCodeActionProvider does not return the actions' diagnostics, so match the title.
    const fix = actions.find(
      (a) => a.title === 'Add mask=lambda inputs, previous_mask: previous_mask[:, N:]' && a.edit,
    );
    assert.ok(
      fix?.edit,
      `no quick fix for lambda-drops-mask among ${JSON.stringify(actions.map((a) => ({ title: a.title, codes: a.diagnostics?.map((d) => d.code), edit: !!a.edit })))}`,
    );
    const before = editor.document.getText();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const after = editor.document.getText();
    assert.ok(
      after.includes('mask=lambda inputs, previous_mask: previous_mask[:, N:]'),
      'the fix did not insert the mask= from seed 002',
    );
    assert.equal(
      after.length - before.length,
      after.split('\n').join('').length - before.split('\n').join('').length,
      'the fix added lines',
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('Evaluate with Masking on seed 001 shows the runtime result in the panel', async () => {
    const api = await activateExtension();
    const editor = await openExample('seed001_embedding_dense_mse.py');
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'evaluate' || r.view === 'renderError' || r.view === 'taskError',
      180_000,
      'the panel to render the evaluation',
    );
    const result = await vscode.commands.executeCommand<
      | {
          backend: string;
          lossValues: Record<string, number> | null;
          layers: unknown[];
          data: { source: string; shapes: { x: number[] } };
        }
      | undefined
    >('masklens.evaluate', editor.document.uri, 'm');
    assert.ok(result, 'evaluate returned no result');
    assert.equal(result.backend, 'tensorflow');
    // Seed 001 writes its data inline: evaluate uses data_in / data_out, not synthetic data.
    assert.equal(result.data.source, 'inline');
    assert.deepEqual(result.data.shapes.x, [1, 4]);
    const view = await rendered;
    assert.equal(view.view, 'evaluate', view.summary);
    assert.ok(result.lossValues, 'no losses');
    assert.equal(
      view.summary,
      `valid-mean=${result.lossValues['valid-mean']} none=${result.lossValues.none} layers=${result.layers.length}`,
    );
    const lenses = await lensesOf(editor.document.uri);
    assert.ok(
      lenses.some((l) => /^masked .* · unmasked .*% of unmasked loss from padding/.test(l.command?.title ?? '')),
      'no result summary lens',
    );
    const shot = await screenshot('evaluate-seed001');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /Mask flow/);
      assert.match(shot.framesText, /Mean over valid steps/);
    }
  });

  test("hovering seed 002's Lambda shows the mask in → out, 'destroys' and the output shape", async () => {
    await activateExtension();
    const editor = await openExample('seed002_lambda_drops_mask.py');
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('model.add(Lambda('));
    assert.ok(line >= 0, 'no Lambda line in seed 002');
    const at = new vscode.Position(line, editor.document.lineAt(line).text.indexOf('Lambda') + 2);
    let text = '';
    for (let i = 0; i < 50 && !text.includes('Lambda'); i++) {
      const hovers =
        (await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          editor.document.uri,
          at,
        )) ?? [];
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      if (!text.includes('Lambda')) await sleep(100);
    }
    assert.match(text, /\*\*`Lambda`\*\* `lambda`/, text);
    assert.match(text, /Mask: in `yes` → out `no`/, text);
    assert.match(text, /Effect: \*\*destroys\*\*/, text);
    assert.match(text, /Output shape: `\(None, 357, 1\)`/, text);
    assert.match(text, /Verdict for Keras 3\\\.15\\\.1/, text);
    // the finding is named; its message is VS Code's own part of the hover, not repeated here
    assert.match(text, /Findings here: `lambda-drops-mask`/, text);
    assert.doesNotMatch(text, /previous\\?_mask/, 'the hover repeats the diagnostic message');
    // Hover on a plain line (no layer) gives no MaskLens hover.
    const none =
      (await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        new vscode.Position(0, 2),
      )) ?? [];
    assert.ok(
      !none.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('Effect:'))),
      'a MaskLens hover outside any layer',
    );
    await vscode.commands.executeCommand('workbench.action.closePanel');
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await sleep(300);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(700);
    await screenshot('hover-seed002-lambda');
  });
});
