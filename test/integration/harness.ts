/**
 * Helpers for suites running inside the extension host: the extension's API, waiting for
 * events, and screenshots. The harness outside (code-server + Chromium) watches a request
 * folder: a suite drops `<name>.request`, the harness saves `<name>.png` (the real workbench)
 * and `<name>.frames.txt` (the text of every frame, webviews included) and then `<name>.done`.
 */
import * as fs from 'node:fs';
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

export interface Screenshot {
  /** The PNG path, or null when no harness takes screenshots (e.g. under test-electron). */
  png: string | null;
  /** Text of every frame of the workbench, webviews included; null without a harness. */
  framesText: string | null;
}

/** Asks the outside harness for a screenshot of the real workbench and waits for it. */
export async function screenshot(name: string, timeoutMs = 60_000): Promise<Screenshot> {
  const dir = process.env.MASKLENS_SCREENSHOT_DIR;
  if (!dir) {
    console.log(`[masklens-integration] screenshot '${name}' skipped: no screenshot harness (MASKLENS_SCREENSHOT_DIR unset)`);
    return { png: null, framesText: null };
  }
  const base = path.join(dir, name);
  for (const suffix of ['.png', '.frames.txt', '.done']) fs.rmSync(base + suffix, { force: true });
  fs.writeFileSync(`${base}.request`, name);
  const start = Date.now();
  while (!fs.existsSync(`${base}.done`)) {
    if (Date.now() - start > timeoutMs) throw new Error(`the harness did not take screenshot '${name}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { png: `${base}.png`, framesText: fs.readFileSync(`${base}.frames.txt`, 'utf8') };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
