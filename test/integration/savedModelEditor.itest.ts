/**
 * A `.keras` file opened in a real VS Code: MaskLens' read-only editor shows the model it
 * holds — layers, masks, the loss verdict — read from its own config in TensorFlow's process,
 * and evaluates it with its own weights (the editor's Evaluate button runs `runSaved`). A
 * broken `.h5` gets one sentence instead. The file is one real Keras 3 saved
 * (test/golden/fixtures/saved).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, examplesFolder, screenshot, sleep, waitForEvent } from './harness';

suite('saved-model editor', () => {
  test('opening a .keras file shows its mask flow, and Evaluate runs it with its own weights', async () => {
    const api = await activateExtension();
    const repo = path.join(examplesFolder().fsPath, '..');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masklens-itest-keras-'));
    const file = path.join(dir, 'tagger.keras');
    fs.copyFileSync(path.join(repo, 'test', 'golden', 'fixtures', 'saved', 'nested_bidirectional.keras3.keras'), file);
    const uri = vscode.Uri.file(file);
    const rendered = waitForEvent(
      api.savedModels.onDidRender,
      (r) => r.uri === uri.toString(),
      120_000,
      'the saved-model editor to render',
    );
    await vscode.commands.executeCommand('vscode.open', uri);
    const view = await rendered;
    assert.equal(view.view, 'model', view.summary);
    const inspected = api.savedModels.inspected.get(uri.toString());
    assert.ok(inspected, 'the editor read no model');
    assert.equal(inspected.format, 'keras-archive');
    assert.equal(inspected.savedBy, '3.15.1');
    assert.equal(inspected.summary.origin, '.keras archive saved by Keras 3.15.1');
    const layer = (name: string) => inspected.summary.layers.find((l) => l.name === name);
    assert.equal(layer('embedding')?.effect, 'creates');
    assert.equal(layer('bidirectional')?.in, 'yes');
    await sleep(300);
    const shot = await screenshot('saved-model-editor');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /\.keras archive saved by Keras 3\.15\.1/);
      assert.match(shot.framesText, /embedding\s+Embedding\s+–\/out\s+creates a mask/);
    }

    const before = api.tasks.lastResults.evaluate;
    await api.tasks.runSaved('evaluate', uri, inspected.model);
    const result = api.tasks.lastResults.evaluate;
    assert.ok(result && result !== before, `evaluate returned no result (${api.tasks.lastError ?? ''})`);
    assert.equal(result.weightsUsed.format, 'keras-archive');
    assert.equal(result.weightsUsed.file, file);
    assert.ok(
      result.layers.some((l) => l.name === 'embedding' && l.effect === 'creates'),
      'the evaluation shows no mask created by the Embedding',
    );
    await screenshot('saved-model-evaluated');
  });

  test('a broken .h5 is one sentence in the editor, and the extension goes on', async () => {
    const api = await activateExtension();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masklens-itest-h5-'));
    const file = path.join(dir, 'broken.h5');
    const junk = Buffer.alloc(4096, 7);
    Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]).copy(junk);
    fs.writeFileSync(file, junk);
    const uri = vscode.Uri.file(file);
    const rendered = waitForEvent(
      api.savedModels.onDidRender,
      (r) => r.uri === uri.toString() && r.view === 'error',
      120_000,
      'the saved-model editor to report the broken file',
    );
    await vscode.commands.executeCommand('vscode.open', uri);
    const view = await rendered;
    assert.match(view.summary, /broken\.h5: is not a readable HDF5 file/);
    assert.equal(api.savedModels.inspected.get(uri.toString()), undefined);
    await screenshot('saved-model-broken');
  });
});
