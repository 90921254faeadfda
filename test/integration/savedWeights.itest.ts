/**
 * Weights a source saves, in a real VS Code: a training script whose ModelCheckpoint file
 * exists beside it is evaluated with that checkpoint once the user picks it (the pick is
 * remembered), and the result, the lens and the panel say which weights ran. The checkpoint
 * is one real Keras 3 wrote (test/golden/fixtures/saved), for the model the script builds.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvaluateResult } from '../../src/core/protocol/runtimeTasks';
import { activateExtension, examplesFolder, screenshot, waitForEvent } from './harness';

suite('saved weights', () => {
  test('Evaluate offers the checkpoint the script writes, runs with it, remembers the pick and says which weights ran', async () => {
    const api = await activateExtension();
    const repo = path.join(examplesFolder().fsPath, '..');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masklens-itest-weights-'));
    fs.copyFileSync(
      path.join(repo, 'test', 'golden', 'fixtures', 'saved', 'custom_residual_block.keras3.weights.h5'),
      path.join(dir, 'best.weights.h5'),
    );
    const source = `${fs.readFileSync(path.join(repo, 'test', 'golden', 'saved_sources', 'custom_residual_block.py'), 'utf8')}model.fit(x_train, y_train, epochs=20, callbacks=[keras.callbacks.ModelCheckpoint("best.weights.h5", save_weights_only=True)])\n`;
    const file = path.join(dir, 'train_tagger.py');
    fs.writeFileSync(file, source);
    const checkpointLine = source.split('\n').findIndex((l) => l.startsWith('model.fit(')) + 1;
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    const analysis = await api.analyses.get(editor.document);
    assert.equal(analysis?.analysis.models.length, 1, "the script's model was not read");

    const offered: string[] = [];
    const original = api.tasks.weights.pick;
    try {
      api.tasks.weights.pick = async (items) => {
        offered.push(...items.map((i) => `${i.label} | ${i.description ?? ''}`));
        return items.find((i) => 'file' in i.choice);
      };
      const rendered = waitForEvent(
        api.panel.onDidRender,
        (r) => r.view === 'evaluate' || r.view === 'renderError' || r.view === 'taskError',
        180_000,
        'the panel to render the evaluation',
      );
      const result = await vscode.commands.executeCommand<EvaluateResult | undefined>(
        'masklens.evaluate',
        editor.document.uri,
        'model',
      );
      assert.ok(result, `evaluate returned no result (${api.tasks.lastError ?? 'no error shown'})`);
      assert.deepEqual(offered, [
        `$(file-binary) best.weights.h5 | best.weights.h5 (ModelCheckpoint at line ${checkpointLine})`,
        "$(symbol-constant) Initial weights | Keras' default initializers under seed 42",
      ]);
      assert.equal(result.weightsUsed.source, 'file');
      assert.equal(result.weightsUsed.format, 'weights-h5');
      assert.equal(result.weightsUsed.file, path.join(dir, 'best.weights.h5'));
      assert.match(result.weightsUsed.description, /^weights from .*best\.weights\.h5 \(a Keras weights file\)$/);
      const view = await rendered;
      assert.equal(view.view, 'evaluate', view.summary);
      const lenses =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          editor.document.uri,
        )) ?? [];
      assert.ok(
        lenses.some((l) => /· weights best\.weights\.h5$/.test(l.command?.title ?? '')),
        `no lens naming the weights: ${lenses.map((l) => l.command?.title).join(' | ')}`,
      );
      const shot = await screenshot('evaluate-with-checkpoint');
      if (shot.framesText !== null) {
        const panelLine = shot.framesText.split('\n').find((l) => l.includes('best.weights.h5 (a Keras weights file)'));
        assert.ok(panelLine, `the panel does not name the weights file:\n${shot.framesText.slice(-3000)}`);
        assert.match(shot.framesText, /saved weights/i);
      }

      // Remembered: the next evaluate asks nothing and runs with the same file.
      api.tasks.weights.pick = () => Promise.reject(new Error('asked again for weights already picked'));
      const again = await vscode.commands.executeCommand<EvaluateResult | undefined>(
        'masklens.evaluate',
        editor.document.uri,
        'model',
      );
      assert.ok(again, `the second evaluate returned no result (${api.tasks.lastError ?? ''})`);
      assert.equal(again.weightsUsed.file, path.join(dir, 'best.weights.h5'));
      assert.deepEqual(again.lossValues, result.lossValues, 'the same weights give the same losses');
    } finally {
      api.tasks.weights.pick = original;
    }
  });
});
