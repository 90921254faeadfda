/**
 * Select Data Files… and the files the code loads in the windows other than a folder: a window
 * with no folder (one .py opened on its own) and a multi-root workspace. Each suite exists only
 * in its kind of window; test/vscode/vscode-suite.test.mjs opens both kinds and runs them there.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeNpy } from '../../src/core/data/npy';
import type { EvaluateResult } from '../../src/core/protocol/runtimeTasks';
import { activateExtension, browserAction, screenshot } from './harness';

const model = (loads: string) => `import numpy as np
from keras import Sequential
from keras.layers import Input, Embedding, LSTM, Dense

model = Sequential([
    Input(shape=(4,)),
    Embedding(10, 4, mask_zero=True),
    LSTM(3, return_sequences=True),
    Dense(1),
])
model.compile(optimizer='adam', loss='mse')
${loads}
model.fit(X, y)
`;

function writeData(dir: string, samples: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: samples * 4 }, (_, i) => (i % 4 < 2 + (i % 3) ? 1 + (i % 9) : 0));
  fs.writeFileSync(path.join(dir, 'x.npy'), writeNpy({ shape: [samples, 4], data: ids }));
  fs.writeFileSync(
    path.join(dir, 'y.npy'),
    writeNpy({ shape: [samples, 4, 1], data: Array.from({ length: samples * 4 }, (_, i) => (i % 5) / 4) }),
  );
}

const evaluate = (uri: vscode.Uri) =>
  vscode.commands.executeCommand<EvaluateResult | undefined>('masklens.evaluate', uri, 'model');

const folders = vscode.workspace.workspaceFolders ?? [];

if (folders.length === 0) {
  suite('Select Data (single-file window)', () => {
    test('the files the code loads beside the file are used; files picked in the dialogs are kept and used', async function () {
      await activateExtension();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masklens-single-'));
      writeData(path.join(dir, 'data'), 3);
      writeData(path.join(dir, 'other'), 5);
      const file = path.join(dir, 'train.py');
      fs.writeFileSync(file, model("X = np.load('data/x.npy')\ny = np.load('data/y.npy')"));
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      const uri = editor.document.uri;
      assert.equal(vscode.workspace.getWorkspaceFolder(uri), undefined, 'the file is in no workspace folder');

      const first = await evaluate(uri);
      assert.equal(first?.data.files?.x, path.join(dir, 'data', 'x.npy'), 'the code-loaded files were not found');
      assert.equal(first?.data.samples, 3);

      const done = vscode.commands.executeCommand('masklens.selectData', uri, 'model');
      const offer = await browserAction<{ title: string }>('single-offer', {
        kind: 'quick-input',
        text: 'Choose files',
      });
      assert.match(offer?.title ?? '', /Data for model/);
      await browserAction('single-x', { kind: 'quick-input', text: path.join(dir, 'other', 'x.npy') });
      await browserAction('single-y', { kind: 'quick-input', text: path.join(dir, 'other', 'y.npy') });
      await done;
      const picked = await evaluate(uri);
      assert.equal(picked?.data.files?.x, path.join(dir, 'other', 'x.npy'), 'the picked files were not kept');
      assert.equal(picked?.data.samples, 5);
      await screenshot('select-data-single-file-window');
    });
  });
}

if (vscode.workspace.workspaceFile && folders.length > 1) {
  suite('Select Data (multi-root window)', () => {
    test('a file in the second folder finds the files its code loads from that folder, and the offer keeps them', async function () {
      await activateExtension();
      const second = folders[1].uri.fsPath;
      const project = fs.mkdtempSync(path.join(second, 'project-'));
      writeData(path.join(project, 'data'), 4);
      const rel = path.relative(second, path.join(project, 'data')).split(path.sep).join('/');
      const file = path.join(project, 'scripts', 'train.py');
      fs.mkdirSync(path.dirname(file));
      // relative to the folder the project is in, as Python run from that folder reads them
      fs.writeFileSync(file, model(`X = np.load('${rel}/x.npy')\ny = np.load('${rel}/y.npy')`));
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      const uri = editor.document.uri;
      assert.equal(vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath, second);

      const first = await evaluate(uri);
      assert.equal(first?.data.files?.x, path.join(project, 'data', 'x.npy'));
      assert.equal(first?.data.samples, 4);

      const done = vscode.commands.executeCommand('masklens.selectData', uri, 'model');
      const offer = await browserAction<{ title: string }>('multi-offer', { kind: 'quick-input', text: 'x.npy' });
      await done;
      assert.match(offer?.title ?? '', /Data for model/);
      const again = await evaluate(uri);
      assert.equal(again?.data.files?.y, path.join(project, 'data', 'y.npy'));
      await screenshot('select-data-multi-root-window');
    });
  });
}
