/**
 * The panel's features in the real VS Code: live training curves, exports written from the
 * host's copy of the result (JSON / CSV) and from the webview's canvas (PNG), and a dropped
 * mask that links to the line that dropped it. Each is checked in the extension host (the
 * webview's `rendered` reports, the written files, the editor selection) and in a screenshot.
 */
import * as assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toJsonText } from '../../src/core/protocol/runtimeTasks';
import type { RenderedView } from '../../src/extension/panel/panelController';
import { activateExtension, examplesFolder, openExample, screenshot, sleep, waitForEvent } from './harness';

/** Collects the panel's `rendered` reports until disposed. */
function recordRenders(event: vscode.Event<RenderedView>): { views: RenderedView[]; dispose(): void } {
  const views: RenderedView[] = [];
  const sub = event((v) => views.push(v));
  return { views, dispose: () => sub.dispose() };
}

/** CSV text cell → number (the export writes NaN / Infinity spelled out). */
function csvValue(text: string): number {
  return Number(text);
}

suite('panel features', () => {
  let tmp: string;
  let all: { views: RenderedView[]; dispose(): void };
  suiteSetup(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masklens-export-'));
    const api = await activateExtension();
    all = recordRenders(api.panel.onDidRender);
    // close the panel (and editors) so this suite sees the panel load from scratch
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(() => {
    all.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('training draws the loss curves live, one point per epoch, then the final curves', async () => {
    const api = await activateExtension();
    // seed 000's model with 4 epochs instead of 1, as an unsaved document
    const source = fs
      .readFileSync(path.join(examplesFolder().fsPath, 'seed000_masking_lstm.py'), 'utf8')
      .replace('epochs=1', 'epochs=4');
    assert.match(source, /epochs=4/);
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: source });
    await vscode.window.showTextDocument(document);
    const analysis = await api.analyses.get(document);
    assert.equal(analysis?.analysis.models.length, 1);

    const renders = recordRenders(api.panel.onDidRender);
    try {
      const curve = waitForEvent(
        api.panel.onDidRender,
        (r) => r.view === 'trainCurve',
        180_000,
        'the final training curves',
      );
      const result = await vscode.commands.executeCommand<
        import('../../src/core/protocol/runtimeTasks').TrainResult | undefined
      >('masklens.train');
      assert.ok(result, 'the train command returned no result');
      assert.equal(result.history.length, 4);
      assert.equal(result.stopped.reason, 'completed');
      const final = await curve;
      assert.match(final.summary, /^points=4 curves=\d epochs=4$/, final.summary);

      // live: one report per epoch, each with as many points drawn as epochs finished; every
      // epoch's event reaches the host before the result (the pool delivers a task's progress first).
      const live = renders.views.filter((v) => v.view === 'trainProgress').map((v) => v.summary);
      assert.deepEqual(
        live,
        ['epoch=1/4 points=1', 'epoch=2/4 points=2', 'epoch=3/4 points=3', 'epoch=4/4 points=4'],
        `live reports: ${live.join(', ')}`,
      );
      assert.ok(renders.views.some((v) => v.view === 'train' && v.summary === 'epochs=4 stopped=completed'));
    } finally {
      renders.dispose();
    }
    const shot = await screenshot('panel-train-curves');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /masked \(valid-mean\) and unmasked loss per epoch/);
      assert.match(shot.framesText, /Export JSON/);
    }
    await vscode.commands
      .executeCommand('workbench.action.revertAndCloseActiveEditor')
      .then(undefined, () => undefined);
  });

  test('Cancel in the live training view stops the run; the curves keep the epochs done', async () => {
    const api = await activateExtension();
    const source = fs
      .readFileSync(path.join(examplesFolder().fsPath, 'seed000_masking_lstm.py'), 'utf8')
      .replace('epochs=1', 'epochs=500');
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: source });
    await vscode.window.showTextDocument(document);
    await api.analyses.get(document);
    const second = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'trainProgress' && r.summary.startsWith('epoch=2/500'),
      180_000,
      'two epochs drawn',
    );
    const ended = waitForEvent(api.panel.onDidRender, (r) => r.view === 'trainEnded', 180_000, 'the live view to end');
    const run = vscode.commands.executeCommand('masklens.train');
    await second;
    // what the live view's Cancel button posts
    api.panel.handleMessage({ type: 'command', command: 'cancel' });
    const result = await run;
    assert.equal(result, undefined, 'a cancelled run returns no result');
    const end = await ended;
    const m = /^points=(\d+)\/500 (\w+)$/.exec(end.summary);
    assert.ok(m, end.summary);
    assert.ok(Number(m[1]) >= 2 && Number(m[1]) < 500, `the run stopped early: ${end.summary}`);
    assert.equal(m[2], 'cancelled', 'the live view says the run was cancelled');
    assert.equal(api.runtime.runningCount, 0);
    await screenshot('panel-train-cancelled');
    await vscode.commands
      .executeCommand('workbench.action.revertAndCloseActiveEditor')
      .then(undefined, () => undefined);
  });

  test('exports the evaluated result as JSON and CSV equal to the runtime result, and a heatmap as PNG', async () => {
    await openExample('seed000_masking_lstm.py');
    const api = await activateExtension();
    const rendered = waitForEvent(api.panel.onDidRender, (r) => r.view === 'evaluate', 180_000, 'the evaluate result');
    const result = await vscode.commands.executeCommand<
      import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
    >('masklens.evaluate');
    assert.ok(result?.loss && result.outputMask, 'seed 000 evaluates with a loss and an output mask');
    await rendered;
    assert.equal(api.panel.shown?.result, result, 'the panel keeps the host copy of the shown result');

    const original = api.panel.saveDialog;
    const targets: Record<string, vscode.Uri> = {
      json: vscode.Uri.file(path.join(tmp, 'result.json')),
      csv: vscode.Uri.file(path.join(tmp, 'result.csv')),
      png: vscode.Uri.file(path.join(tmp, 'loss.png')),
    };
    const dialogs: vscode.SaveDialogOptions[] = [];
    try {
      for (const format of ['json', 'csv'] as const) {
        api.panel.saveDialog = async (options) => {
          dialogs.push(options);
          return targets[format];
        };
        const exported = waitForEvent(
          api.panel.onDidExport,
          (e) => e.format === format,
          30_000,
          `the ${format} export`,
        );
        // the same path as the panel's Export button: the webview answers with an `export` message
        api.panel.post({ type: 'requestExport', format });
        const outcome = await exported;
        assert.equal(outcome.uri.fsPath, targets[format].fsPath);
      }
      const json = JSON.parse(fs.readFileSync(targets.json.fsPath, 'utf8'));
      assert.deepEqual(json, JSON.parse(toJsonText(result)), 'the JSON file is the runtime result');

      const rows = parseCsv(fs.readFileSync(targets.csv.fsPath, 'utf8'));
      assert.deepEqual(rows[0], ['section', 'name', 'sample', 'timestep', 'value']);
      const reductions = Object.fromEntries(
        rows.filter((r) => r[0] === 'reduction').map((r) => [r[1], csvValue(r[4])]),
      );
      assert.deepEqual(reductions, result.lossValues);
      const loss = rows.filter((r) => r[0] === 'per_timestep_loss');
      const expected = result.loss.perTimestep.flatMap((row, i) =>
        row.map((v, t) => [String(result.caps.samples.indices[i]), String(t), v] as const),
      );
      assert.equal(loss.length, expected.length);
      loss.forEach((r, k) => {
        assert.deepEqual([r[2], r[3]], [expected[k][0], expected[k][1]]);
        assert.ok(
          Object.is(csvValue(r[4]), expected[k][2]) || csvValue(r[4]) === expected[k][2],
          `loss at row ${k}: ${r[4]} vs ${expected[k][2]}`,
        );
      });
      const mask = rows.filter((r) => r[0] === 'output_mask').map((r) => csvValue(r[4]));
      assert.deepEqual(mask, result.outputMask.flat());
      for (const layer of result.layers.filter((l) => l.mask)) {
        assert.deepEqual(
          rows.filter((r) => r[0] === 'layer_mask' && r[1] === layer.name).map((r) => csvValue(r[4])),
          layer.mask?.flat(),
          `mask of ${layer.name}`,
        );
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.equal(
        path.dirname(dialogs[0]?.defaultUri?.fsPath ?? ''),
        folder,
        'the save dialog opens in the workspace folder',
      );
      assert.equal(path.basename(dialogs[0]?.defaultUri?.fsPath ?? ''), 'model-evaluate.json');

      // PNG of the loss heatmap, from the webview's canvas (drawn asynchronously: retry briefly)
      api.panel.saveDialog = async (options) => {
        dialogs.push(options);
        return targets.png;
      };
      const png = waitForEvent(api.panel.onDidExport, (e) => e.format === 'png', 30_000, 'the PNG export');
      for (let attempt = 0; attempt < 20 && !fs.existsSync(targets.png.fsPath); attempt++) {
        const refused = waitForEvent(
          api.panel.onDidRender,
          (r) => r.view === 'exportError',
          1_000,
          'no export error',
        ).then(
          () => true,
          () => false,
        );
        api.panel.post({ type: 'requestExport', format: 'png', chart: 'loss-heatmap' });
        if (!(await refused)) break;
        await sleep(250);
      }
      const pngOutcome = await png;
      const bytes = fs.readFileSync(pngOutcome.uri.fsPath);
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
      assert.ok(bytes.length > 2000, `a real chart image, not an empty canvas (${bytes.length} bytes)`);
      assert.equal(path.basename(dialogs[dialogs.length - 1]?.defaultUri?.fsPath ?? ''), 'model-loss-heatmap.png');
      // keep the exported image next to the screenshots, to look at
      const results = path.join(examplesFolder().fsPath, '..', 'test-results');
      if (fs.existsSync(results))
        fs.copyFileSync(pngOutcome.uri.fsPath, path.join(results, 'panel-export-loss-heatmap.png'));
    } finally {
      api.panel.saveDialog = original;
    }
  });

  test('an export message carrying a non-PNG data URL is refused and writes nothing', async () => {
    const api = await activateExtension();
    const original = api.panel.saveDialog;
    let asked = false;
    api.panel.saveDialog = async () => {
      asked = true;
      return vscode.Uri.file(path.join(tmp, 'evil.png'));
    };
    try {
      api.panel.handleMessage({
        type: 'export',
        format: 'png',
        name: 'x',
        dataUrl: `data:text/html;base64,${Buffer.from('<script>alert(1)</script>').toString('base64')}`,
      });
      api.panel.handleMessage({
        type: 'export',
        format: 'png',
        name: '../../x',
        dataUrl: 'data:image/png;base64,AAAA',
      });
      await sleep(300);
      assert.equal(asked, false, 'no save dialog for a refused image');
      assert.equal(fs.existsSync(path.join(tmp, 'evil.png')), false);
    } finally {
      api.panel.saveDialog = original;
      await vscode.commands.executeCommand('notifications.clearAll').then(undefined, () => undefined);
    }
  });

  test('the strip of the layer that drops the mask links to its line (seed 002: the Lambda)', async () => {
    const editor = await openExample('seed002_lambda_drops_mask.py');
    const api = await activateExtension();
    const lambdaLine = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => /model\.add\(Lambda\(/.test(l));
    assert.ok(lambdaLine > 0);
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'maskFlow',
      180_000,
      'the mask flow of the evaluate result',
    );
    await vscode.commands.executeCommand('masklens.evaluate');
    const view = await rendered;
    const m = /dropped=(\w+)@(\d+):(\d+)/.exec(view.summary);
    assert.ok(m, `the panel flagged no dropped mask with a source link: ${view.summary}`);
    assert.equal(m[1], 'lambda');
    assert.equal(Number(m[2]), lambdaLine, 'the link points at the Lambda line');

    const shot = await screenshot('panel-mask-dropped');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /MASK DROPPED HERE/);
      assert.match(shot.framesText, /Native TensorFlow backend/, 'a reopened panel shows the backend again');
      assert.match(shot.framesText, new RegExp(`Go to line ${lambdaLine + 1}`));
      assert.match(shot.framesText, /showing samples 0–\d+ of \d+/);
    }

    // move the cursor away, then do what the strip's button does
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const revealed = waitForEvent(api.panel.onDidReveal, () => true, 30_000, 'the reveal');
    api.panel.handleMessage({ type: 'reveal', line: Number(m[2]), character: Number(m[3]) });
    const target = await revealed;
    assert.equal(target.document.uri.fsPath, editor.document.uri.fsPath);
    assert.equal(target.selection.start.line, lambdaLine);
    assert.match(
      target.document.getText(target.selection),
      /Lambda\(lambda x: x\[:, N:, :\]\)/,
      'the Lambda call is selected',
    );
    assert.equal(
      vscode.window.activeTextEditor?.document.uri.fsPath,
      editor.document.uri.fsPath,
      'the editor is active',
    );
    await screenshot('panel-mask-dropped-revealed');
  });

  test("a result names the run it came from and links to that file, not to the active editor's model of the same name", async () => {
    // Both seed 002 files define `model` with the same layer names; the one that is evaluated is not the active one.
    const evaluated = (await openExample('seed002_lambda_drops_mask.py')).document;
    const active = await openExample('seed002_lambda_with_mask.py');
    const api = await activateExtension();
    const rendered = waitForEvent(api.panel.onDidRender, (r) => r.view === 'evaluate', 180_000, 'the evaluate result');
    await vscode.commands.executeCommand('masklens.evaluate', evaluated.uri, 'model');
    await rendered;
    assert.equal(
      vscode.window.activeTextEditor?.document.uri.toString(),
      active.document.uri.toString(),
      'the other file stays active',
    );
    const shown = api.panel.shown;
    assert.equal(shown?.document?.toString(), evaluated.uri.toString(), 'the result belongs to the evaluated file');
    assert.equal(shown?.origin?.model, 'model');
    assert.equal(shown?.origin?.version, evaluated.version);
    assert.match(shown?.origin?.runId ?? '', /^[0-9a-z]+-\d+$/);
    assert.equal(shown?.sources?.file, 'seed002_lambda_drops_mask.py');
    const lambdaLine = evaluated
      .getText()
      .split('\n')
      .findIndex((l) => /model\.add\(Lambda\(/.test(l));
    assert.equal(
      shown?.sources?.layers.find((l) => l.name === 'lambda')?.start.line,
      lambdaLine,
      "the Lambda's line in the evaluated file",
    );
    const shot = await screenshot('panel-result-origin');
    if (shot.framesText !== null)
      assert.match(shot.framesText, /File\s+seed002_lambda_drops_mask\.py \(version \d+\)\s+Model\s+model/);
  });

  test('large data: the heatmaps show a range of the samples, say which, and draw without blocking the panel', async () => {
    const editor = await openExample('seed000_masking_lstm.py');
    const api = await activateExtension();
    const config = vscode.workspace.getConfiguration('masklens', editor.document.uri);
    const settingsFolder = path.join(examplesFolder().fsPath, '.vscode');
    const hadSettings = fs.existsSync(settingsFolder);
    await config.update('synthetic.samples', 300, vscode.ConfigurationTarget.Workspace);
    try {
      const flow = waitForEvent(api.panel.onDidRender, (r) => r.view === 'maskFlow', 180_000, 'the mask flow');
      const charts = waitForEvent(api.panel.onDidRender, (r) => r.view === 'charts', 180_000, 'all heatmaps drawn');
      const result = await vscode.commands.executeCommand<
        import('../../src/core/protocol/runtimeTasks').EvaluateResult | undefined
      >('masklens.evaluate');
      assert.ok(result);
      assert.equal(result.data.samples, 300);
      assert.equal(result.caps.samples.total, 300);
      const kept = result.caps.samples.indices.length;
      assert.ok(kept < 300, `the result keeps a sample of the data (${kept})`);
      const view = await flow;
      assert.match(view.summary, new RegExp(`range=0-32/${kept}$`), view.summary);
      const drawn = await charts;
      const m = /drawn=(\d+) ms=(\d+) longestMs=(\d+)/.exec(drawn.summary);
      assert.ok(m, drawn.summary);
      const layersWithMask = result.layers.filter((l) => l.mask).length;
      assert.equal(Number(m[1]), layersWithMask + 1, 'one heatmap per masked layer and the loss');
      assert.ok(Number(m[3]) < 500, `one heatmap blocked the panel for ${m[3]} ms`);
      const shot = await screenshot('panel-large-data');
      if (shot.framesText !== null) {
        const last = result.caps.samples.indices[31];
        assert.match(
          shot.framesText,
          new RegExp(`showing samples 0–${last} of 300 \\(32 of the ${kept} samples kept in the result`),
        );
      }
    } finally {
      await config.update('synthetic.samples', undefined, vscode.ConfigurationTarget.Workspace);
      if (!hadSettings) fs.rmSync(settingsFolder, { recursive: true, force: true }); // leave examples/ as it was
    }
  });

  test('a hand-written masked loss and compiled accuracy: the loss as one number, accuracy over every position and over real tokens', async () => {
    await openExample('custom_loss_tagger_accuracy.py');
    const api = await activateExtension();
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'evaluate' || r.view === 'taskError' || r.view === 'renderError',
      180_000,
      'the evaluate result',
    );
    await vscode.commands.executeCommand('masklens.evaluate');
    const view = await rendered;
    assert.equal(view.view, 'evaluate', view.summary);
    const m = /metric=accuracy:([\d.eE-]+)\/([\d.eE-]+)/.exec(view.summary);
    assert.ok(m, `the panel shows no accuracy: ${view.summary}`);
    // Keras reports accuracy over the real tokens; over every position the padding counts too.
    assert.notEqual(Number(m[1]), Number(m[2]), 'masked and unmasked accuracy differ on this padded tagger');
    const shot = await screenshot('panel-custom-loss-metrics');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /Compiled metrics/);
      assert.match(shot.framesText, /returns one number per batch/);
      assert.match(shot.framesText, /points/);
    }
  });

  test("the user's own metrics: a Metric subclass and a function in the metrics table, and what Keras does with the mask for each", async () => {
    await openExample('custom_metric_tagger.py');
    const api = await activateExtension();
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'evaluate' || r.view === 'taskError' || r.view === 'renderError',
      180_000,
      'the evaluate result',
    );
    await vscode.commands.executeCommand('masklens.evaluate');
    const view = await rendered;
    assert.equal(view.view, 'evaluate', view.summary);
    const reported = (name: string) => {
      const m = new RegExp(`metric=${name}:([\\d.eE-]+)/([\\d.eE-]+)`).exec(view.summary);
      assert.ok(m, `the panel shows no ${name}: ${view.summary}`);
      return { keras: Number(m[1]), unmasked: Number(m[2]) };
    };
    // Keras wraps the function in a mean its mask weights: not what every position gives on this padded tagger.
    const hits = reported('token_hits');
    assert.notEqual(hits.keras, hits.unmasked);
    reported('position_accuracy');
    const shot = await screenshot('panel-custom-metrics');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /position_accuracy/);
      assert.match(shot.framesText, /passes (no mask|the output mask) to metric 'position_accuracy'/);
      assert.match(
        shot.framesText,
        /Keras wraps metric 'token_hits' \(a function\) in a mean weighted by the output mask/,
      );
    }
  });

  test('the panel reported no Content Security Policy violation while doing all of this', () => {
    const violations = all.views.filter((v) => v.view === 'cspViolation').map((v) => v.summary);
    assert.deepEqual(violations, []);
    assert.ok(all.views.length > 5, 'the panel reported its renders');
  });
});
