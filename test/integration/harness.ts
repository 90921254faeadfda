/**
 * Helpers for suites running inside the extension host: the extension's API, waiting for
 * events, and screenshots (see ./screenshot.ts for how a screenshot request travels).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MaskLensApi } from '../../src/extension/main';

export const EXTENSION_ID = 'masklens.masklens';

export async function activateExtension(): Promise<MaskLensApi> {
  const extension = vscode.extensions.getExtension<MaskLensApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export function examplesFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need the examples folder open as the workspace');
  return folder.uri;
}

export async function openExample(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examplesFolder(), name));
  return vscode.window.showTextDocument(doc);
}

export function waitForEvent<T>(
  event: vscode.Event<T>,
  predicate: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

export {
  browserAction,
  screenshot,
  screenshotsAvailable,
  type BrowserAction,
  type Screenshot,
  type TypingTimes,
  type WebviewFrameDom,
  type WorkbenchTheme,
} from './screenshot';

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** A model that trains for minutes unless cancelled (synthetic data: nothing in the file feeds it). */
export const LONG_TRAINING = `from keras import Input, Model
from keras.layers import Dense, Embedding, LSTM

inp = Input(shape=(120,))
e = Embedding(50, 32, mask_zero=True)(inp)
h = LSTM(64, return_sequences=True)(e)
out = Dense(1)(h)
model = Model(inp, out)
model.compile(optimizer='adam', loss='mse')
model.fit(x, y, epochs=5000, batch_size=2)
`;

/** Writes a Python file outside the workspace and opens it in an editor. */
export async function openScratch(name: string, text: string): Promise<vscode.TextEditor> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masklens-itest-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(doc);
}
