/** The side view is a native tree of the active editor's models, their layers and findings; it follows the editor. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/extension/modelTree';
import { activateExtension, openExample, screenshot, waitForEvent } from './harness';

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

suite('side view (tree)', () => {
  test('lists the models of the active editor with their layers and findings, and follows the editor', async () => {
    const api = await activateExtension();
    const first = waitForEvent(
      api.tree.onDidUpdate,
      (s) => s.startsWith('seed001_embedding_lstm.py'),
      60_000,
      'the tree to show seed001_embedding_lstm.py',
    );
    await openExample('seed001_embedding_lstm.py');
    await vscode.commands.executeCommand('masklens.models.focus');
    assert.match(await first.catch(() => api.tree.summary), /^seed001_embedding_lstm\.py: m/);

    const next = waitForEvent(
      api.tree.onDidUpdate,
      (s) => s.startsWith('seed002_lambda_drops_mask.py'),
      60_000,
      'the tree to follow the editor',
    );
    await openExample('seed002_lambda_drops_mask.py');
    assert.equal(await next, 'seed002_lambda_drops_mask.py: model');
    const [model] = api.tree.getChildren().filter((n): n is Extract<TreeNode, { kind: 'model' }> => n.kind === 'model');
    assert.ok(model, 'no model node');
    const modelItem = api.tree.getTreeItem(model);
    assert.equal(label(modelItem), 'model');
    assert.equal(modelItem.description, 'no mask reaches the mae loss');
    assert.equal(
      modelItem.contextValue,
      'model',
      'the inline Evaluate / Compare / Train actions need the model context',
    );
    const children = api.tree.getChildren(model).map((n) => api.tree.getTreeItem(n));
    const lambda = children.find((c) => label(c) === 'lambda');
    assert.equal(lambda?.description, 'Lambda · drops the mask');
    assert.match(String(lambda?.tooltip), /mask in: yes · mask out: no/);
    assert.ok(
      children.some((c) => String(c.description).startsWith('lambda-drops-mask')),
      'the finding is listed under the model',
    );

    const shot = await screenshot('sideview-tree');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /no mask reaches the mae loss/);
      assert.match(shot.framesText, /Lambda · drops the mask/);
    }
  });
});
