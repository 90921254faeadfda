/**
 * Browser-driven: the suite asks the harness (Playwright, in the real page) for a real mouse click
 * on the "Evaluate with Masking" CodeLens of seed 001, reads the DOM inside the webview frame
 * (mask strips, heatmap canvases, the reductions table), and switches the workbench to a light
 * theme and back, checking that the webview follows. A screenshot for each step.
 * Under test-electron nobody drives the browser: the test then stops after its host-side checks.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { formatNumber } from '../../src/core/format';
import { REDUCTIONS } from '../../src/core/reductions';
import {
  activateExtension,
  browserAction,
  openExample,
  screenshot,
  screenshotsAvailable,
  sleep,
  waitForEvent,
  type WebviewFrameDom,
  type WorkbenchTheme,
} from './harness';

async function panelDom(
  name: string,
  predicate: (d: WebviewFrameDom) => boolean,
  timeoutMs = 20_000,
): Promise<WebviewFrameDom> {
  const start = Date.now();
  let last: WebviewFrameDom[] | null = null;
  for (let i = 0; Date.now() - start < timeoutMs; i++) {
    last = await browserAction<WebviewFrameDom[]>(`${name}-${i}`, { kind: 'webview-dom' });
    const hit = last?.find(predicate);
    if (hit) return hit;
    await sleep(250);
  }
  throw new Error(`no webview frame as expected within ${timeoutMs} ms; frames: ${JSON.stringify(last)}`);
}

/** Waits until the workbench itself (not only the webview) shows the theme kind; a loaded machine can lag. */
async function workbenchIn(name: string, kind: RegExp): Promise<void> {
  let last: WorkbenchTheme | null = null;
  for (let i = 0; i < 40; i++) {
    last = await browserAction<WorkbenchTheme>(`${name}-${i}`, { kind: 'workbench-theme' });
    if (last && kind.test(last.workbenchClass)) {
      await sleep(500);
      return;
    }
    await sleep(250);
  }
  throw new Error(`the workbench did not switch to ${kind}: ${JSON.stringify(last)}`);
}

async function setTheme(theme: string): Promise<void> {
  const changed = waitForEvent(
    vscode.window.onDidChangeActiveColorTheme,
    () => true,
    10_000,
    `the theme change to ${theme}`,
  );
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await changed;
}

suite('workbench UI (browser-driven)', () => {
  test('a real click on the Evaluate lens renders the panel; the webview follows a dark → light → dark theme switch', async function () {
    if (!screenshotsAvailable()) this.skip(); // needs the code-server harness to drive the browser
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openExample('seed001_embedding_dense_mse.py');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    // lenses shown in the editor
    for (let i = 0; i < 100; i++) {
      const lenses =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          editor.document.uri,
        )) ?? [];
      if (lenses.some((l) => l.command?.title === 'Evaluate with Masking')) break;
      await sleep(100);
    }
    await screenshot('ui-1-lenses-before-click');
    api.tasks.lastResults.evaluate = undefined;
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'evaluate' || r.view === 'taskError' || r.view === 'renderError',
      180_000,
      'the panel to render the clicked evaluation',
    );
    const clicked = await browserAction('ui-click-evaluate-lens', {
      kind: 'click-codelens',
      title: 'Evaluate with Masking',
    });
    assert.deepEqual(clicked, { clicked: 'Evaluate with Masking' });
    const view = await rendered;
    assert.equal(view.view, 'evaluate', view.summary);
    const lastEvaluate = () => api.tasks.lastResults.evaluate; // a call: not narrowed by the reset above
    const result = lastEvaluate();
    assert.ok(result?.lossValues, 'the click did not run an evaluation through the pool');
    assert.equal(result.model, 'm');

    const dom = await panelDom('ui-dom-evaluate', (d) => d.strips > 0 && d.heatmapCanvases >= 2);
    assert.equal(dom.strips, result.layers.length, `mask strips ${dom.strips} ≠ layers ${result.layers.length}`);
    assert.ok(
      dom.heatmapCanvases >= 2,
      `expected mask heatmaps and the loss heatmap, found ${dom.heatmapCanvases} canvas(es)`,
    );
    assert.ok(dom.canvasIds.includes('loss-heatmap'), `no loss heatmap canvas among ${dom.canvasIds.join(', ')}`);
    const grids = dom.grids.map((g) => g.text).join('\n');
    for (const id of ['none', 'valid-mean', 'total-mean', 'sequence-mean'] as const) {
      const value = result.lossValues[id];
      // the first cell holds the reduction's name, then its formula
      const row = grids.split('\n').find((l) => l.split(' | ')[0].startsWith(REDUCTIONS[id].label));
      assert.ok(row, `no '${REDUCTIONS[id].label}' (${id}) row in the reductions table:\n${grids}`);
      assert.ok(
        row.split(' | ').includes(formatNumber(value)),
        `the ${id} row '${row}' does not show the runtime's ${formatNumber(value)}`,
      );
    }
    assert.match(dom.bodyClass, /\bvscode-dark\b/, `the suite runs in a dark theme; webview body: ${dom.bodyClass}`);
    await screenshot('ui-2-panel-after-click');

    const darkForeground = dom.foreground;
    try {
      await setTheme('Default Light Modern');
      const light = await panelDom('ui-dom-light', (d) => d.strips > 0 && /\bvscode-light\b/.test(d.bodyClass));
      assert.notEqual(light.foreground, darkForeground, '--vscode-foreground did not change with the theme');
      await workbenchIn('ui-workbench-light', /(^|\s)vs(\s|$)/); // the workbench repaints its own parts too
      await screenshot('ui-3-panel-light-theme');
    } finally {
      await setTheme(process.env.MASKLENS_THEME || 'Default Dark Modern');
    }
    const dark = await panelDom('ui-dom-dark-again', (d) => d.strips > 0 && /\bvscode-dark\b/.test(d.bodyClass));
    assert.equal(dark.foreground, darkForeground);
    await workbenchIn('ui-workbench-dark', /(^|\s)vs-dark(\s|$)/);
    await screenshot('ui-4-panel-dark-again');
  });
});
