/**
 * Helpers for suites running inside the extension host: the extension's API, waiting for
 * events, and screenshots (see ./screenshot.ts for how a screenshot request travels).
 */
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

export function waitForEvent<T>(event: vscode.Event<T>, predicate: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
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

export { screenshot, screenshotsAvailable, type Screenshot } from './screenshot';

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
