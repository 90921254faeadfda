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

  /** Picks x and y in the dialogs; `answer` replies to the header check's question when one comes. */
  async function pick(
    uri: vscode.Uri,
    x: string,
    y: string,
    shot: string,
    answer?: string,
  ): Promise<{ title: string; check: string }> {
    const done = vscode.commands.executeCommand('masklens.selectData', uri, 'model');
    const first = await browserAction<{ title: string }>(`${shot}-x`, { kind: 'quick-input', text: path.join(dir, x) });
    await browserAction(`${shot}-y`, { kind: 'quick-input', text: path.join(dir, y) });
    if (answer) {
      await new Promise((r) => setTimeout(r, 1000)); // the headers are read, then the question opens
      await screenshot(`${shot}-check`);
    }
    const check = answer
      ? await browserAction<{ title: string }>(`${shot}-check`, { kind: 'quick-input', text: answer })
      : null;
    await done;
    return { title: first?.title ?? '', check: check?.title ?? '' };
  }

  test('a matching pair is evaluated on; a wrong shape and a corrupt file show the error state with Select Data Files… first', async function () {
    if (!screenshotsAvailable()) this.skip(); // the file dialog is driven in the browser
    assert.equal(vscode.workspace.workspaceFolders?.length, 1, 'a folder workspace');
    const api = await activateExtension();
    const editor = await openScratch('pick.py', MODEL);
    const uri = editor.document.uri;

    const { title } = await pick(uri, 'x_good.npy', 'y_good.npy', 'select-good');
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

    // the headers are checked before the files are kept: the question says what does not fit
    const wrongCheck = await pick(uri, 'x_wrong.npy', 'y_good.npy', 'select-wrong', 'Use these files anyway');
    assert.match(
      wrongCheck.check,
      /x_wrong\.npy holds \(5, 7\), but the model's input 'input_layer' takes \(None, 4\): axis 1 is 7, not 4/,
      wrongCheck.check,
    );
    const wrong = waitForEvent(api.panel.onDidRender, (r) => r.view === 'taskError', 120_000, 'the shape error');
    assert.equal(await vscode.commands.executeCommand('masklens.evaluate', uri, 'model'), undefined);
    const wrongShown = (await wrong).summary;
    assert.match(wrongShown, /x_wrong\.npy|shape|7/, wrongShown);
    assert.match(wrongShown, /actions=selectData,goToLine,showLog/, wrongShown);
    await screenshot('select-data-2-wrong-shape');

    const corruptCheck = await pick(uri, 'x_corrupt.npy', 'y_good.npy', 'select-corrupt', 'Use these files anyway');
    assert.match(corruptCheck.check, /x_corrupt\.npy: (corrupt|not a \.npy)/, corruptCheck.check);
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

  test('the files the code loads are used without asking, and offered first in Select Data Files…', async function () {
    if (!screenshotsAvailable()) this.skip(); // the quick pick is driven in the browser
    await activateExtension();
    const rel = (f: string) => path.relative(examplesFolder().fsPath, path.join(dir, f)).split(path.sep).join('/');
    const file = path.join(dir, 'loads.py');
    fs.writeFileSync(
      file,
      `import numpy as np\n${MODEL}X = np.load('${rel('x_good.npy')}')\ny = np.load('${rel('y_good.npy')}')\nmodel.fit(X, y)\n`,
    );
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const uri = editor.document.uri;
    const ran = await vscode.commands.executeCommand<
      import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
    >('masklens.evaluate', uri, 'model');
    assert.ok(ran?.lossValues, 'no result on the files the code loads');
    assert.equal(ran.data.source, 'file');
    assert.equal(ran.data.files?.x, path.join(dir, 'x_good.npy'));
    assert.equal(ran.data.files?.y, path.join(dir, 'y_good.npy'));

    const done = vscode.commands.executeCommand('masklens.selectData', uri, 'model');
    const offered = await browserAction<{ title: string }>('select-code-files', {
      kind: 'quick-input',
      text: 'x_good',
    });
    await done;
    assert.match(offered?.title ?? '', /Data for model/);
    await screenshot('select-data-4-code-files');
  });
});
