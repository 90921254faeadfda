/**
 * A notebook in a real VS Code's built-in notebook editor: its code cells are analysed as
 * one program, so the model cell gets its lenses, seed 002's lambda-drops-mask diagnostic
 * and quick fix land in the cell that adds the Lambda, the IPython lines are noted where
 * they are, and an evaluation run from the cell names it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EvaluateResult } from '../../src/core/protocol/runtimeTasks';
import { activateExtension, examplesFolder, screenshot, sleep, waitForEvent } from './harness';

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

suite('notebooks', () => {
  test('a three-cell notebook: lenses on the model cell, the Lambda diagnostic and its fix in its cell, evaluate naming the cell', async () => {
    const api = await activateExtension();
    const notebook = await vscode.workspace.openNotebookDocument(
      vscode.Uri.joinPath(examplesFolder(), 'seed002_notebook.ipynb'),
    );
    await vscode.window.showNotebookDocument(notebook);
    const code = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.equal(code.length, 3, 'the example has three code cells');
    const [imports, modelCell] = code;
    // The side view's tree lists the notebook's models under the cell that builds each.
    await vscode.window.showNotebookDocument(notebook, {
      selections: [new vscode.NotebookRange(modelCell.index, modelCell.index + 1)],
    });
    const listed = await until('the tree to list the notebook', () =>
      api.tree.summary.startsWith('seed002_notebook.ipynb') ? api.tree.summary : undefined,
    );
    assert.equal(listed, 'seed002_notebook.ipynb: model');
    const [modelNode] = api.tree.getChildren().filter((n) => n.kind === 'model');
    assert.ok(
      modelNode?.kind === 'model' && modelNode.cell === modelCell.index,
      'the tree names the cell that builds the model',
    );
    assert.equal(modelNode.uri.toString(), modelCell.document.uri.toString());

    const lenses = await until('lenses on the model cell', async () => {
      const found =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          modelCell.document.uri,
        )) ?? [];
      return found.some((l) => l.command?.title === 'Evaluate with Masking') ? found : undefined;
    });
    const evaluateLens = lenses.find((l) => l.command?.title === 'Evaluate with Masking');
    assert.equal(evaluateLens?.range.start.line, 0, 'the lens sits above the line that builds the model');
    const importLenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        imports.document.uri,
      )) ?? [];
    assert.equal(importLenses.length, 0, 'the imports cell builds no model and gets no lens');

    const lambdaLine = modelCell.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('Lambda('));
    const diagnostic = await until('the lambda-drops-mask diagnostic in the model cell', () =>
      vscode.languages.getDiagnostics(modelCell.document.uri).find((d) => d.code === 'lambda-drops-mask'),
    );
    assert.equal(diagnostic.range.start.line, lambdaLine);
    const notes = vscode.languages
      .getDiagnostics(imports.document.uri)
      .map((d) => `${d.range.start.line}: ${d.message}`);
    assert.deepEqual(notes, [
      '0: `%matplotlib inline` is IPython, not Python: MaskLens skips it.',
      '1: `!pip install -q keras` is IPython, not Python: MaskLens skips it.',
    ]);

    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        modelCell.document.uri,
        diagnostic.range,
      )) ?? [];
    const fix = actions.find((a) => a.title.startsWith('Add mask='));
    assert.ok(fix?.edit, `no quick fix: ${actions.map((a) => a.title).join(', ')}`);
    const edits = fix.edit.get(modelCell.document.uri);
    assert.equal(edits.length, 1);
    assert.equal(edits[0].range.start.line, lambdaLine, 'the fix edits the Lambda line of this cell');
    assert.equal(edits[0].newText, ', mask=lambda inputs, previous_mask: previous_mask[:, N:]');
    await screenshot('notebook-cells');

    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'evaluate' || r.view === 'renderError' || r.view === 'taskError',
      180_000,
      'the panel to render the evaluation',
    );
    const result = await vscode.commands.executeCommand<EvaluateResult | undefined>(
      'masklens.evaluate',
      modelCell.document.uri,
      'model',
    );
    assert.ok(result, `evaluate returned no result (${api.tasks.lastError ?? ''})`);
    assert.ok(
      result.layers.some((l) => l.className === 'Lambda' && l.effect === 'destroys'),
      'the Lambda drops the mask at run time too',
    );
    assert.equal((await rendered).view, 'evaluate');
    const shot = await screenshot('notebook-evaluated');
    if (shot.framesText !== null) assert.match(shot.framesText, /seed002_notebook\.ipynb, cell 3 \(version \d+\)/);
  });
});
