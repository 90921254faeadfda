/**
 * Screenshots of the real workbench, requested from inside the extension host.
 *
 * How a request travels: test/vscode/run-code-server.mjs starts code-server with
 * MASKLENS_SCREENSHOT_DIR=<repo>/test-results/.requests in its environment; code-server's
 * extension host (where this code runs) inherits it. A suite writes `<name>.request` there;
 * the harness, which polls the folder every 200 ms, waits 500 ms for the workbench to paint,
 * saves `test-results/<name>.png` with Playwright, writes `<name>.frames.txt` (the innerText of
 * every frame: the workbench and each webview's nested frames) and finally `<name>.done` holding
 * the PNG's path, which is what this function waits for.
 *
 * Under @vscode/test-electron (test/vscode/run-electron.mjs) nobody watches the folder and the
 * variable is unset: the request is skipped with a log line and `{ png: null, framesText: null }`
 * comes back. Tests must assert on the extension's own state first and treat the screenshot as
 * evidence, not as the only check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Screenshot {
  /** The PNG path, or null when no harness takes screenshots (e.g. under test-electron). */
  png: string | null;
  /** Text of every frame of the workbench, webviews included; null without a harness. */
  framesText: string | null;
}

/** True when an outside harness (code-server + Chromium) takes screenshots. */
export function screenshotsAvailable(): boolean {
  return !!process.env.MASKLENS_SCREENSHOT_DIR;
}

/** Asks the outside harness for a screenshot of the real workbench and waits until it is saved. */
export async function screenshot(name: string, timeoutMs = 60_000): Promise<Screenshot> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name '${name}' must be a plain file name ([A-Za-z0-9_.-])`);
  const dir = process.env.MASKLENS_SCREENSHOT_DIR;
  if (!dir) {
    console.log(
      `[masklens-integration] screenshot '${name}' skipped: no screenshot harness (MASKLENS_SCREENSHOT_DIR unset, e.g. under test-electron)`,
    );
    return { png: null, framesText: null };
  }
  const base = path.join(dir, name);
  for (const suffix of ['.png', '.frames.txt', '.done']) fs.rmSync(base + suffix, { force: true });
  fs.writeFileSync(`${base}.request`, name);
  const start = Date.now();
  while (!fs.existsSync(`${base}.done`)) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`the harness did not take screenshot '${name}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // the harness writes the PNG's path into the .done file (empty or missing path: it failed)
  const png = fs.readFileSync(`${base}.done`, 'utf8').trim();
  if (!png || !fs.existsSync(png)) throw new Error(`the harness could not save screenshot '${name}'`);
  const frames = `${base}.frames.txt`;
  return { png, framesText: fs.existsSync(frames) ? fs.readFileSync(frames, 'utf8') : '' };
}

/**
 * Browser actions, requested the same way as screenshots: `<name>.action` holds the JSON action;
 * the harness performs it with Playwright in the real page and writes `<name>.result` (JSON:
 * `{ ok, error?, value? }`). Kinds:
 *   { kind: 'click-codelens', title }       a real mouse click on the CodeLens link (`.codelens-decoration a`) with that text
 *   { kind: 'click-notification-button', title }  a real click on a notification toast's button with that text
 *   { kind: 'webview-dom' }                 per frame that holds a webview document: its URL, body class, the MaskLens
 *                                           panel's mask strips, heatmap canvases, data grids' text, a theme CSS variable
 *   { kind: 'workbench-theme' }             the workbench's own class (vs / vs-dark / hc-black) and computed backgrounds
 *   { kind: 'click-webview', selector }     a real mouse click on the first element matching the selector in a webview document
 *   { kind: 'quick-input', text }           types into VS Code's quick input (code-server's file dialog) and presses Enter; returns its title
 *   { kind: 'webview-layout' }              per webview document: its width, its content's width, tables' and cards' overflow
 *   { kind: 'axe' }                         axe-core's colour-contrast rule run inside each MaskLens webview document
 *   { kind: 'viewport', width, height }     resizes the browser window
 *   { kind: 'type-and-watch', text, ... }   real key presses into the focused editor, then when a CodeLens and a squiggle
 *                                           appear in the DOM after the last one (TypingTimes)
 * Returns null when no harness performs actions (test-electron).
 */
export type BrowserAction =
  | { kind: 'click-codelens'; title: string }
  | { kind: 'click-notification-button'; title: string; timeoutMs?: number }
  | { kind: 'webview-dom' }
  | { kind: 'workbench-theme' }
  | {
      kind: 'type-and-watch';
      text: string;
      delayMs: number;
      lensTooltipPrefix: string;
      squiggleLineText: string;
      timeoutMs?: number;
    }
  | { kind: 'click-webview'; selector: string }
  | { kind: 'quick-input'; text: string }
  | { kind: 'webview-layout' }
  | { kind: 'axe' }
  | { kind: 'viewport'; width: number; height: number };

/** What `webview-layout` measured in one webview document (widths in CSS pixels). */
export interface WebviewLayout {
  url: string;
  viewportWidth: number;
  scrollWidth: number;
  tables: { id: string; clientWidth: number; scrollWidth: number; right: number }[];
  cards: { id: string; clientWidth: number; scrollWidth: number; right: number }[];
  /** The innermost elements reaching past the right edge. */
  overflowing: string[];
}

/** What axe-core's colour-contrast rule found in one webview document. */
export interface AxeContrast {
  url: string;
  bodyClass: string;
  violations: { target: string; summary: string; html: string }[];
  passes: number;
  incomplete: number;
}

/** What `type-and-watch` saw, timed by the page's clock from the last keydown (null: not seen in time). */
export interface TypingTimes {
  /** The last keydown, as epoch milliseconds (`Date.now()` in the page). */
  lastKeyEpochMs: number;
  lensMs: number | null;
  squiggleMs: number | null;
}

export interface WorkbenchTheme {
  workbenchClass: string;
  workbenchBackground: string;
  editorBackground: string;
}

export interface WebviewFrameDom {
  url: string;
  bodyClass: string;
  strips: number;
  droppedStrips: number;
  heatmapCanvases: number;
  canvasIds: string[];
  grids: { id: string; text: string }[];
  foreground: string;
  editorBackground: string;
}

export async function browserAction<T = unknown>(
  name: string,
  action: BrowserAction,
  timeoutMs = 60_000,
): Promise<T | null> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`action name '${name}' must be a plain file name ([A-Za-z0-9_.-])`);
  const dir = process.env.MASKLENS_SCREENSHOT_DIR;
  if (!dir) {
    console.log(`[masklens-integration] browser action '${name}' skipped: no harness drives the browser`);
    return null;
  }
  const base = path.join(dir, name);
  fs.rmSync(`${base}.result`, { force: true });
  fs.writeFileSync(`${base}.action.tmp`, JSON.stringify(action));
  fs.renameSync(`${base}.action.tmp`, `${base}.action`);
  const start = Date.now();
  while (!fs.existsSync(`${base}.result`)) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`the harness did not perform action '${name}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const result = JSON.parse(fs.readFileSync(`${base}.result`, 'utf8')) as { ok: boolean; error?: string; value?: T };
  if (!result.ok) throw new Error(`browser action '${name}' (${action.kind}) failed: ${result.error}`);
  return (result.value ?? null) as T | null;
}
