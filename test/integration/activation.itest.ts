/** MaskLens activates on a Python file and contributes its commands. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openExample, screenshot } from './harness';

suite('activation', () => {
  test('activates when a Python file with a Keras model opens', async () => {
    await openExample('seed001_embedding_dense_mse.py');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'extension not found');
    const start = Date.now();
    while (!extension.isActive && Date.now() - start < 30_000) await new Promise((r) => setTimeout(r, 100));
    assert.equal(extension.isActive, true, 'MaskLens did not activate on a Python file');
    await screenshot('activation-python-file');
  });

  test('registers every command the manifest contributes', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes?: { commands?: { command: string }[] };
    };
    const declared = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.includes('masklens.showGraph') && declared.length >= 8, `declared: ${declared.join(', ')}`);
    const commands = await vscode.commands.getCommands(true);
    const missing = declared.filter((id) => !commands.includes(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  test('declares how it behaves in untrusted workspaces', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      capabilities?: { untrustedWorkspaces?: { supported?: unknown } };
    };
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
  });
});
