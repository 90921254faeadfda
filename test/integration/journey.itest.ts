/**
 * The editor journey a new user takes, in the real VS Code: an evaluate that fails shows its
 * error state in the panel and on the lens, with actions that work when clicked; seed 002's
 * quick fix, then a second evaluate, shows the first result as outdated and the two runs side
 * by side on the same data and weights; a classifier gets a per-sample view; the panel fits
 * 400 px; axe-core finds no contrast failure in the panel in four themes.
 * Screenshots of each step land in test-results/journey-*.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LensState } from '../../src/extension/lensState';
import {
  activateExtension,
  browserAction,
  examplesFolder,
  openScratch,
  screenshot,
  screenshotsAvailable,
  sleep,
  waitForEvent,
} from './harness';
import type { AxeContrast, WebviewLayout } from './screenshot';

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.map((l) => l.command?.title ?? '');
}

async function waitForLens(uri: vscode.Uri, predicate: (title: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const hit = (await lensTitles(uri)).find(predicate);
    if (hit) return hit;
    await sleep(100);
  }
  throw new Error(`no lens ${what}; lenses: ${(await lensTitles(uri)).join(' | ')}`);
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
  await sleep(800); // the webview receives the new CSS variables after the workbench
}

const OUT_OF_VOCABULARY = `import numpy as np
from keras import Sequential
from keras.layers import Input, Embedding, LSTM, Dense

x = np.array([[1, 2, 50, 0], [3, 4, 0, 0]])
y = np.zeros((2, 4, 1))
model = Sequential([
    Input(shape=(4,)),
    Embedding(10, 4, mask_zero=True),
    LSTM(3, return_sequences=True),
    Dense(1),
])
model.compile(optimizer='adam', loss='mse')
model.fit(x, y, epochs=1)
`;

const CLASSIFIER = `from keras import Sequential
from keras.layers import Input, Embedding, LSTM, Dense

model = Sequential([
    Input(shape=(30,)),
    Embedding(100, 8, mask_zero=True),
    LSTM(16),
    Dense(1, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='binary_crossentropy')
`;

const BROKEN = `from keras import Sequential
from keras.layers import Embedding, LSTM, Dense

model = Sequential()
model.add(Embedding(100, 8, mask_zero=True))
model.add(LSTM(16, return_sequences=True)
model.add(Dense(1))
model.compile('adam', 'mse')
`;

suite('editor journey', () => {
  suiteSetup(async () => {
    await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an evaluate that fails shows the error state in the panel and on the lens, with actions that work', async () => {
    const api = await activateExtension();
    const editor = await openScratch('vocab.py', OUT_OF_VOCABULARY);
    const uri = editor.document.uri;
    const embeddingLine = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('Embedding(10'));
    const failed = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'taskError',
      180_000,
      'the panel to show the failure',
    );
    const result = await vscode.commands.executeCommand('masklens.evaluate', uri, 'model');
    assert.equal(result, undefined, 'the evaluate should fail on the token id outside the vocabulary');
    const shown = await failed;
    // the full message, the line of the layer it concerns, and the actions (other data first)
    assert.match(shown.summary, /token id 50 .* outside Embedding 'embedding''s vocabulary/);
    assert.match(
      shown.summary,
      new RegExp(`@${embeddingLine}:embedding actions=selectData,goToLine,showLog`),
      shown.summary,
    );
    const lens = await waitForLens(uri, (t) => t.startsWith('$(error) Evaluating model failed:'), 'with the failure');
    assert.match(lens, /token id 50/);

    const shot = await screenshot('journey-1-error-state');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /Evaluating model failed/);
      assert.match(shot.framesText, new RegExp(`Where: .*vocab\\.py, line ${embeddingLine + 1}, layer 'embedding'`));
      assert.match(shot.framesText, new RegExp(`Go to line ${embeddingLine + 1}`));
      assert.match(shot.framesText, /Select Data Files…/);
      assert.match(shot.framesText, /Show Log/);
    }
    if (!screenshotsAvailable()) return;
    // a real click on "Go to line" selects the layer in the file the run came from
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const revealed = waitForEvent(api.panel.onDidReveal, () => true, 30_000, 'Go to line');
    await browserAction('journey-click-goto', { kind: 'click-webview', selector: '#error-goToLine' });
    const target = await revealed;
    assert.equal(target.document.uri.toString(), uri.toString());
    assert.equal(target.selection.start.line, embeddingLine);
    await screenshot('journey-2-error-go-to-line');
  });

  test('seed 002: quick fix, then evaluate again: the first result is outdated, and the two runs side by side on the same data and weights', async () => {
    const api = await activateExtension();
    const text = fs.readFileSync(path.join(examplesFolder().fsPath, 'seed002_lambda_drops_mask.py'), 'utf8');
    const editor = await openScratch('seed002.py', text);
    const uri = editor.document.uri;
    const first = await vscode.commands.executeCommand<
      import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
    >('masklens.evaluate', uri, 'model');
    assert.ok(first?.lossValues, 'the first evaluate gave no losses');
    assert.equal(first.outputMask, null, 'before the fix no mask reaches the loss');

    // the quick fix the Problems view offers
    const diagnostic = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'lambda-drops-mask');
    assert.ok(diagnostic, 'no lambda-drops-mask diagnostic');
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
      )) ?? [];
    const fix = actions.find((a) => a.title.startsWith('Add mask=') && a.edit);
    assert.ok(fix?.edit, 'no quick fix');
    const outdated = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'outdated',
      30_000,
      'the panel to mark the result outdated',
    );
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match((await outdated).summary, /seed002\.py changed after this run/);
    assert.match(await waitForLens(uri, (t) => t.startsWith('$(history) outdated:'), 'marked outdated'), /masked/);
    await screenshot('journey-3-outdated-after-fix');

    const compared = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'runCompare' && r.summary.includes('runs=2'),
      180_000,
      'the two runs side by side',
    );
    const second = await vscode.commands.executeCommand<
      import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
    >('masklens.evaluate', uri, 'model');
    assert.ok(second?.lossValues && second.outputMask !== null, 'after the fix the mask reaches the loss');
    const runs = api.tasks.history.get(LensState.key(uri, 'model'));
    assert.equal(runs.length, 2);
    assert.equal(runs[0].data, runs[1].data, 'both runs on the same data');
    assert.equal(runs[0].weights, runs[1].weights, 'both runs from the same weights');
    assert.notEqual(runs[0].masked, runs[1].masked, 'the masked loss changed with the fix');
    const rows = (await compared).summary;
    assert.match(rows, /Mask reaches the loss: no -> yes/, rows);
    assert.match(rows, /Mask dropped by: lambda -> —/, rows);
    assert.doesNotMatch(rows, /Data:|Weights:/, 'data and weights are the same in both runs');
    const shot = await screenshot('journey-4-before-after');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /Runs of model/);
      assert.match(shot.framesText, /The mask reaches the loss/);
    }
  });

  test('the panel at 400 px: tables and cards fit without a horizontal scroll bar', async function () {
    if (!screenshotsAvailable()) this.skip(); // needs the code-server harness to resize the browser
    let width = 1000;
    let layout: WebviewLayout | undefined;
    try {
      for (let i = 0; i < 6; i++) {
        await browserAction(`journey-viewport-${i}`, { kind: 'viewport', width, height: 900 });
        await sleep(700);
        layout = (await browserAction<WebviewLayout[]>(`journey-layout-${i}`, { kind: 'webview-layout' }))?.find((l) =>
          l.tables.some((t) => t.id === 'run-compare'),
        );
        assert.ok(layout, 'no panel with the run comparison');
        if (Math.abs(layout.viewportWidth - 400) <= 12) break;
        width += 2 * (400 - layout.viewportWidth); // the panel is half the editor area
      }
      assert.ok(
        layout && Math.abs(layout.viewportWidth - 400) <= 12,
        `could not size the panel to 400 px: ${layout?.viewportWidth}`,
      );
      assert.ok(
        layout.scrollWidth <= layout.viewportWidth,
        `the page scrolls sideways: ${layout.scrollWidth} > ${layout.viewportWidth}: ${layout.overflowing.join(', ')}; tables ${JSON.stringify(layout.tables)}`,
      );
      for (const box of [...layout.tables, ...layout.cards])
        assert.ok(
          box.scrollWidth <= box.clientWidth + 1 && box.right <= layout.viewportWidth,
          `${box.id} overflows: ${JSON.stringify(box)}`,
        );
      await screenshot('journey-5-panel-400px');
    } finally {
      await browserAction('journey-viewport-reset', { kind: 'viewport', width: 1400, height: 900 });
    }
  });

  test('contrast: axe-core finds no text below WCAG AA in the panel (a dropped mask, its heatmap values, a failed run) in light, dark and both high-contrast themes', async function () {
    if (!screenshotsAvailable()) this.skip(); // axe runs inside the webview, which the harness reaches
    const api = await activateExtension();
    const failures: string[] = [];
    const checkThemes = async (state: string) => {
      const themes: [string, RegExp][] = [
        ['Default Light Modern', /\bvscode-light\b/],
        ['Default Dark Modern', /\bvscode-dark\b/],
        ['Default High Contrast', /\bvscode-high-contrast\b/],
        ['Default High Contrast Light', /\bvscode-high-contrast-light\b/],
      ];
      try {
        for (const [theme, bodyClass] of themes) {
          await setTheme(theme);
          const name = `${state}-${theme.replace(/\W+/g, '-').toLowerCase()}`;
          const reports = (await browserAction<AxeContrast[]>(`journey-axe-${name}`, { kind: 'axe' })) ?? [];
          const panel = reports.find((r) => bodyClass.test(r.bodyClass));
          assert.ok(panel, `no webview in ${theme}: ${reports.map((r) => r.bodyClass).join(', ')}`);
          assert.ok(panel.passes > 10, `axe checked too little text in ${theme}: ${panel.passes}`);
          for (const r of reports)
            for (const v of r.violations) failures.push(`${state}, ${theme}: ${v.target} — ${v.summary} — ${v.html}`);
          await screenshot(`journey-6-contrast-${name}`);
        }
      } finally {
        await setTheme(process.env.MASKLENS_THEME || 'Default Dark Modern');
      }
    };

    // seed 002 as written: the dropped mask's error colours, Keras' warning, the heatmaps and their values as text
    const text = fs.readFileSync(path.join(examplesFolder().fsPath, 'seed002_lambda_drops_mask.py'), 'utf8');
    const editor = await openScratch('seed002.py', text);
    const rendered = waitForEvent(api.panel.onDidRender, (r) => r.view === 'evaluate', 180_000, 'the seed 002 result');
    await vscode.commands.executeCommand('masklens.evaluate', editor.document.uri, 'model');
    await rendered;
    const values = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'heatmapValues',
      30_000,
      'the heatmap values table',
    );
    await browserAction('journey-open-values', { kind: 'click-webview', selector: '.ml-heatmap-values summary' });
    assert.match((await values).summary, /rows=\d+ cols=\d+/);
    await checkThemes('dropped-mask');

    // a failed run
    const vocab = await openScratch('vocab.py', OUT_OF_VOCABULARY);
    const failed = waitForEvent(api.panel.onDidRender, (r) => r.view === 'taskError', 180_000, 'the failure');
    await vscode.commands.executeCommand('masklens.evaluate', vocab.document.uri, 'model');
    await failed;
    await checkThemes('failure');
    assert.deepEqual(failures, []);
  });

  test('a syntax error: an error where it is, the model marked incomplete, and an evaluate that says to fix it first', async () => {
    const api = await activateExtension();
    const editor = await openScratch('broken.py', BROKEN);
    const uri = editor.document.uri;
    await api.analyses.get(editor.document);
    let syntax: vscode.Diagnostic | undefined;
    for (let i = 0; i < 50 && !syntax; i++, await sleep(100))
      syntax = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'syntax-error');
    assert.ok(syntax, `no syntax-error diagnostic: ${JSON.stringify(vscode.languages.getDiagnostics(uri))}`);
    assert.equal(syntax.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(syntax.range.start.line, 5);
    assert.ok(
      vscode.languages.getDiagnostics(uri).some((d) => d.code === 'model-incomplete'),
      'the model is not marked incomplete',
    );
    assert.match(
      await waitForLens(uri, (t) => t.includes('incomplete model'), 'marking the model incomplete'),
      /syntax error at line 6/,
    );
    const failed = waitForEvent(api.panel.onDidRender, (r) => r.view === 'taskError', 60_000, 'the refusal');
    assert.equal(await vscode.commands.executeCommand('masklens.evaluate', uri, 'model'), undefined);
    const shown = await failed;
    assert.match(shown.summary, /model is incomplete \(a syntax error at line 6\): fix the syntax error first/);
    assert.match(shown.summary, /@5 actions=goToLine/);
    const shot = await screenshot('journey-8-syntax-error');
    if (shot.framesText !== null) assert.match(shot.framesText, /Go to line 6/);
  });

  test("the getting-started walkthrough: its steps, and its example opens with seed 002's warning", async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'masklens.masklens#gettingStarted', false);
    await sleep(1500);
    const shot = await screenshot('journey-9-walkthrough');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /Get Started with MaskLens/);
      for (const step of [
        'Open a model whose mask is dropped',
        'See the warning',
        'Evaluate with masking',
        'Apply the quick fix',
        'Evaluate again and compare the two runs',
      ])
        assert.ok(shot.framesText.includes(step), `no step '${step}'`);
    }
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('masklens.openWalkthroughExample');
    assert.equal(editor.document.languageId, 'python');
    assert.ok(editor.document.isUntitled, 'the example opens as an untitled file: nothing in the workspace changes');
    assert.ok(editor.document.getText().includes('model.add(Lambda(lambda x: x[:, N:, :]))'));
    const analysis = await api.analyses.get(editor.document);
    assert.ok(
      analysis?.analysis.models[0]?.diagnostics.some((d) => d.code === 'lambda-drops-mask'),
      'the example shows the warning the walkthrough describes',
    );
    await screenshot('journey-10-walkthrough-example');
    await vscode.commands
      .executeCommand('workbench.action.revertAndCloseActiveEditor')
      .then(undefined, () => undefined);
  });

  test('a classifier: a per-sample loss and what the layer that removes the time axis did with padded steps', async () => {
    const api = await activateExtension();
    const editor = await openScratch('classifier.py', CLASSIFIER);
    // (a reopened panel first shows the last run again, which may be another file's failure)
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) =>
        r.view === 'evaluate' ||
        (r.view === 'taskError' && /classifier\.py|model/.test(r.summary) && !/incomplete/.test(r.summary)),
      180_000,
      'the classifier result',
    );
    const result = await vscode.commands.executeCommand<
      import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
    >('masklens.evaluate', editor.document.uri, 'model');
    const view = await rendered;
    assert.equal(view.view, 'evaluate', view.summary);
    assert.ok(result?.lossValues);
    assert.equal(result.outputShape.length, 2, 'one output per sequence');
    const shot = await screenshot('journey-7-classifier');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /One output per sequence/);
      assert.match(shot.framesText, /Per-sample loss/);
      assert.match(shot.framesText, /lstm \(LSTM\) reads the mask: it skips padded steps/);
      assert.doesNotMatch(shot.framesText, /Per-timestep loss/);
    }
  });
});
