/**
 * Select Data Files… through the real file dialog (code-server's simple dialog, driven by typing
 * a path) in a folder workspace: a matching pair of files is evaluated on (and its result is
 * outdated when a file it read changes on disk); a file of the wrong
 * shape and a corrupt file each fail with the error state and Select Data Files… first.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeNpy } from '../../src/core/data/npy';
import {
  activateExtension,
  browserAction,
  examplesFolder,
  openScratch,
  screenshot,
  screenshotsAvailable,
  waitForEvent,
} from './harness';

const MODEL = `from keras import Sequential
from keras.layers import Input, Embedding, LSTM, Dense

model = Sequential([
    Input(shape=(4,)),
    Embedding(10, 4, mask_zero=True),
    LSTM(3, return_sequences=True),
    Dense(1),
])
model.compile(optimizer='adam', loss='mse')
`;

suite('Select Data Files… (real file dialog, folder workspace)', () => {
  let dir: string;
  suiteSetup(() => {
    // inside the workspace folder, so the dialog starts next to the files, as in a project
    dir = fs.mkdtempSync(path.join(examplesFolder().fsPath, '.masklens-itest-data-'));
    fs.writeFileSync(
      path.join(dir, 'x_good.npy'),
      writeNpy({ shape: [5, 4], data: [1, 2, 3, 0, 4, 5, 0, 0, 6, 7, 8, 9, 1, 0, 0, 0, 2, 3, 4, 0] }),
    );
    fs.writeFileSync(
      path.join(dir, 'y_good.npy'),
      writeNpy({ shape: [5, 4, 1], data: Array.from({ length: 20 }, (_, i) => (i % 3) / 2) }),
    );
    fs.writeFileSync(
      path.join(dir, 'x_wrong.npy'),
      writeNpy({ shape: [5, 7], data: Array.from({ length: 35 }, (_, i) => i % 9) }),
    );
    fs.writeFileSync(
      path.join(dir, 'x_corrupt.npy'),
      Buffer.from('\x93NUMPY\x01\x00this is not a header at all, nor an array'),
    );
  });
  suiteTeardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function pick(uri: vscode.Uri, x: string, y: string, shot: string): Promise<string> {
    const done = vscode.commands.executeCommand('masklens.selectData', uri, 'model');
    const first = await browserAction<{ title: string }>(`${shot}-x`, { kind: 'quick-input', text: path.join(dir, x) });
    await browserAction(`${shot}-y`, { kind: 'quick-input', text: path.join(dir, y) });
    await done;
    return first?.title ?? '';
  }

  test('a matching pair is evaluated on; a wrong shape and a corrupt file show the error state with Select Data Files… first', async function () {
    if (!screenshotsAvailable()) this.skip(); // the file dialog is driven in the browser
    assert.equal(vscode.workspace.workspaceFolders?.length, 1, 'a folder workspace');
    const api = await activateExtension();
    const editor = await openScratch('pick.py', MODEL);
    const uri = editor.document.uri;

    const title = await pick(uri, 'x_good.npy', 'y_good.npy', 'select-good');
    assert.match(
      title,
      /expected input_layer: \(None, 4\) integer token ids/,
      `the dialog does not say what x must hold: ${title}`,
    );
    const good = await vscode.commands.executeCommand<
      import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
    >('masklens.evaluate', uri, 'model');
    assert.ok(good?.lossValues, 'no result on the picked files');
    assert.equal(good.data.source, 'file');
    assert.equal(good.data.files?.x, path.join(dir, 'x_good.npy'));
    assert.equal(good.data.samples, 5);
    // the data the run read changes on disk: the result says it is outdated
    const outdated = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'outdated',
      30_000,
      'the result to be marked outdated',
    );
    fs.writeFileSync(
      path.join(dir, 'y_good.npy'),
      writeNpy({ shape: [5, 4, 1], data: Array.from({ length: 20 }, (_, i) => (i % 4) / 3) }),
    );
    assert.match((await outdated).summary, /y_good\.npy, which this run read, changed on disk/);
    await screenshot('select-data-1-good');

    await pick(uri, 'x_wrong.npy', 'y_good.npy', 'select-wrong');
    const wrong = waitForEvent(api.panel.onDidRender, (r) => r.view === 'taskError', 120_000, 'the shape error');
    assert.equal(await vscode.commands.executeCommand('masklens.evaluate', uri, 'model'), undefined);
    const wrongShown = (await wrong).summary;
    assert.match(wrongShown, /x_wrong\.npy|shape|7/, wrongShown);
    assert.match(wrongShown, /actions=selectData,goToLine,showLog/, wrongShown);
    await screenshot('select-data-2-wrong-shape');

    await pick(uri, 'x_corrupt.npy', 'y_good.npy', 'select-corrupt');
    const corrupt = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'taskError',
      120_000,
      'the corrupt-file error',
    );
    assert.equal(await vscode.commands.executeCommand('masklens.evaluate', uri, 'model'), undefined);
    const corruptShown = (await corrupt).summary;
    assert.match(corruptShown, /x_corrupt\.npy/, corruptShown);
    assert.match(corruptShown, /actions=selectData/, corruptShown);
    await screenshot('select-data-3-corrupt');
  });
});
