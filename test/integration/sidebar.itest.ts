/** The side view lists the models of the active editor and follows editor changes. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, openExample, screenshot, waitForEvent } from './harness';

suite('side view', () => {
  test('lists the models of the active editor and follows the editor', async () => {
    const api = await activateExtension();
    await openExample('seed001_embedding_lstm.py');
    await vscode.commands.executeCommand('workbench.view.extension.masklens');
    const first = await waitForEvent(api.sidebar.onDidRender, (r) => r.view === 'models' && r.summary.startsWith('seed001_embedding_lstm.py'), 60_000, 'the side view to list seed001_embedding_lstm.py').catch(() => api.sidebar.lastRendered);
    assert.ok(first?.summary.startsWith('seed001_embedding_lstm.py: m'), `side view shows: ${first?.summary}`);
    const next = waitForEvent(api.sidebar.onDidRender, (r) => r.view === 'models' && r.summary.startsWith('seed002_lambda_drops_mask.py'), 60_000, 'the side view to follow the editor');
    await openExample('seed002_lambda_drops_mask.py');
    assert.equal((await next).summary, 'seed002_lambda_drops_mask.py: model');
    const shot = await screenshot('sidebar-models');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /no mask reaches the mae loss/);
      assert.match(shot.framesText, /lambda-drops-mask/);
    }
  });
});
