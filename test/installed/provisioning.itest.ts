/**
 * MaskLens as a user gets it: the packaged .vsix installed into a clean code-server profile, run
 * by test/vscode/run-installed.mjs in three sessions (MASKLENS_INSTALLED_EXPECT):
 *   download  nothing on the machine: the user clicks Download, TensorFlow comes from PyPI;
 *   cache     a new window on the same profile: the download is found and reused;
 *   python    another clean profile whose python.defaultInterpreterPath has TensorFlow installed.
 * Each evaluates seed 001's example and writes what it measured to MASKLENS_INSTALLED_RESULT.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MaskLensApi } from '../../src/extension/main';
import type { EvaluateResult } from '../../src/core/protocol/runtimeTasks';
import { browserAction, EXTENSION_ID, screenshot } from '../integration/harness';

const expect = process.env.MASKLENS_INSTALLED_EXPECT;
const expectedLibraryDir = process.env.MASKLENS_INSTALLED_LIBRARY_DIR ?? '';
const resultFile = process.env.MASKLENS_INSTALLED_RESULT ?? '';
const extensionsDir = process.env.MASKLENS_INSTALLED_EXTENSIONS_DIR ?? '';

suite('the installed .vsix', () => {
  test(`evaluates seed 001 on native TensorFlow (${expect ?? 'unset'})`, async () => {
    assert.ok(
      expect === 'download' || expect === 'cache' || expect === 'python',
      `MASKLENS_INSTALLED_EXPECT is ${expect}`,
    );
    const extension = vscode.extensions.getExtension<MaskLensApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    assert.ok(
      extensionsDir && extension.extensionPath.startsWith(extensionsDir),
      `MaskLens runs from ${extension.extensionPath}, not from the profile's extensions ${extensionsDir}`,
    );
    assert.ok(!fs.existsSync(path.join(extension.extensionPath, 'node_modules')), 'the package holds no node_modules');
    await extension.activate();

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder');
    const uri = vscode.Uri.joinPath(folder.uri, 'seed001_embedding_dense_mse.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

    const started = performance.now();
    const evaluating = Promise.resolve(
      vscode.commands.executeCommand<EvaluateResult | undefined>('masklens.evaluate', uri, 'm'),
    );
    // A user's click on the consent notification's Download button.
    if (expect === 'download')
      await browserAction(
        'consent-download',
        { kind: 'click-notification-button', title: 'Download', timeoutMs: 90_000 },
        120_000,
      );
    const result = await evaluating;
    const firstEvaluateMs = performance.now() - started;
    assert.ok(result, 'the evaluation gave no result');

    const info = result.backendInfo;
    assert.equal(result.backend, 'tensorflow', `ran on ${result.backend}: ${info.fallbackReason ?? ''}`);
    assert.equal(info.tensorflowVersion, '2.21.0');
    assert.equal(info.libraryPath, path.join(expectedLibraryDir, 'libtensorflow_cc.so.2'));
    assert.match(
      info.libraryOrigin ?? '',
      expect === 'python'
        ? /^the Python environment /
        : expect === 'download'
          ? /^a download of tensorflow_cpu-2\.21\.0/
          : /^MaskLens' download cache /,
    );
    // Seed 001: two of the four steps are valid, so the diluted total-mean is half the valid-mean.
    const valid = result.loss?.['valid-mean'];
    const total = result.loss?.['total-mean'];
    assert.ok(typeof valid === 'number' && typeof total === 'number');
    assert.ok(Math.abs(total - valid / 2) < 1e-6 * valid, `total-mean ${total} is not half of valid-mean ${valid}`);

    const warm = performance.now();
    const again = await vscode.commands.executeCommand<EvaluateResult | undefined>('masklens.evaluate', uri, 'm');
    const warmEvaluateMs = performance.now() - warm;
    assert.equal(again?.loss?.['valid-mean'], valid);

    fs.writeFileSync(
      resultFile,
      JSON.stringify(
        {
          expect,
          firstEvaluateMs,
          warmEvaluateMs,
          library: info,
          validMean: valid,
          extensionPath: extension.extensionPath,
        },
        null,
        2,
      ),
    );
    await vscode.commands.executeCommand('masklens.showPanel');
    await screenshot(`installed-${expect}`);
  });
});
