/**
 * The three numbers issue 5 asks to measure, in the real VS Code: command → rendered panel for
 * seed 001 with a warm pool, the extension host's event-loop delay while a training runs, and the
 * lens/diagnostic refresh after an edit in a 2,000-line file with 20 models. Reported in the test
 * output and in test-results/measurements.json; only very generous sanity bounds are asserted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { DocumentAnalysis } from '../../src/extension/analysisService';
import { activateExtension, LONG_TRAINING, openExample, openScratch, sleep, waitForEvent } from './harness';

const measurements: Record<string, unknown> = {};

function record(name: string, value: unknown): void {
  measurements[name] = value;
  console.log(`[masklens-measure] ${name}: ${JSON.stringify(value)}`);
  // <repo>/test-results, found from the extension's folder (the suite runs inside the extension host)
  const root = vscode.extensions.getExtension('masklens.masklens')?.extensionUri.fsPath;
  if (!root) return;
  const dir = path.join(root, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'measurements.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), ...measurements }, null, 2)}\n`);
}

const ms = (x: number) => Math.round(x * 100) / 100;

/** A 2,000-line file with 20 functional models, filler between them. */
function bigFile(): string {
  const lines: string[] = ['from keras import Input, Model', 'from keras.layers import Dense, Embedding, LSTM, Lambda', ''];
  for (let i = 0; i < 20; i++) {
    lines.push(
      `inp${i} = Input(shape=(${10 + i},))`,
      `e${i} = Embedding(100, 16, mask_zero=True)(inp${i})`,
      `h${i} = LSTM(8, return_sequences=True)(e${i})`,
      `l${i} = Lambda(lambda t: t * 2)(h${i})`,
      `o${i} = Dense(1)(l${i})`,
      `model${i} = Model(inp${i}, o${i})`,
      `model${i}.compile(optimizer='adam', loss='mse')`,
    );
    while (lines.length < (i + 1) * 100) lines.push(`# filler ${lines.length}: the models are spread over the file`);
  }
  return lines.join('\n') + '\n';
}

suite('measurements', () => {
  test('(a) Evaluate with Masking on seed 001 → rendered panel, warm pool', async () => {
    const api = await activateExtension();
    const editor = await openExample('seed001_embedding_dense_mse.py');
    // warm: the pool's worker has loaded TensorFlow and run the model once
    const warm = waitForEvent(api.panel.onDidRender, (r) => r.view === 'evaluate', 180_000, 'the warm-up render');
    await vscode.commands.executeCommand('masklens.evaluate', editor.document.uri, 'm');
    await warm;
    const runs: { renderedMs: number; resultMs: number; workerMs: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const rendered = waitForEvent(api.panel.onDidRender, (r) => r.view === 'evaluate', 60_000, 'the panel to render the evaluation');
      const t0 = performance.now();
      const result = await vscode.commands.executeCommand<{ elapsedMs: number } | undefined>('masklens.evaluate', editor.document.uri, 'm');
      const t1 = performance.now();
      await rendered;
      const t2 = performance.now();
      runs.push({ resultMs: ms(t1 - t0), renderedMs: ms(t2 - t0), workerMs: ms(result?.elapsedMs ?? NaN) });
    }
    const sorted = runs.map((r) => r.renderedMs).sort((a, b) => a - b);
    record('commandToRenderedPanelSeed001WarmMs', { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], runs });
    assert.ok(sorted[0] < 30_000, 'a warm evaluate took over 30 s');
  });

  test('(b) extension-host event-loop delay while a training runs', async () => {
    const api = await activateExtension();
    const editor = await openScratch('long_training_measure.py', LONG_TRAINING);
    // the same window with nothing running: what the extension host's other work costs
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await sleep(3000);
    idle.disable();
    const started = Date.now();
    const training = Promise.resolve(vscode.commands.executeCommand('masklens.train', editor.document.uri, 'model'));
    while (api.runtime.runningCount === 0 && Date.now() - started < 60_000) await sleep(20);
    assert.equal(api.runtime.runningCount, 1, 'the training did not start');
    // where the host's time goes: the panel messages posted during the window, by type, and their synchronous cost
    const posts: Record<string, { count: number; ms: number; maxMs: number }> = {};
    const panel = api.panel as unknown as { post: (m: { type: string; task?: string }) => void };
    const originalPost = panel.post;
    panel.post = function (this: unknown, m) {
      const t = performance.now();
      try {
        originalPost.call(this, m);
      } finally {
        const key = m.task ? `${m.type}:${m.task}` : m.type;
        const e = (posts[key] ??= { count: 0, ms: 0, maxMs: 0 });
        const d = performance.now() - t;
        e.count += 1;
        e.ms = ms(e.ms + d);
        e.maxMs = ms(Math.max(e.maxMs, d));
      }
    };
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    try {
      await sleep(6000);
    } finally {
      histogram.disable();
      panel.post = originalPost;
    }
    const stillRunning = api.runtime.runningCount > 0;
    await vscode.commands.executeCommand('masklens.cancel');
    await training;
    const toMs = (ns: number) => ms(ns / 1e6);
    const value = { p50: toMs(histogram.percentile(50)), p99: toMs(histogram.percentile(99)), max: toMs(histogram.max), mean: toMs(histogram.mean), samples: histogram.count, windowMs: 6000, trainingRanThroughout: stillRunning, resolutionMs: 10, targetP99Ms: 20 };
    // Node's histogram records each timer interval whole (resolution included): the delay beyond the 10 ms tick is value − 10.
    record('extensionHostEventLoopDelayDuringTrainingMs', {
      beyondResolution: { p50: ms(value.p50 - 10), p99: ms(value.p99 - 10), max: ms(value.max - 10) }, ...value, panelPostsDuringWindow: posts, cpus: os.cpus().length, loadAverage1m: ms(os.loadavg()[0]), idleBaseline: { p50: toMs(idle.percentile(50)), p99: toMs(idle.percentile(99)), max: toMs(idle.max), windowMs: 3000 } });
    assert.ok(stillRunning, 'the training ended before the measuring window closed');
    assert.ok(value.p99 < 1000, `event-loop p99 ${value.p99} ms`);
  });

  test('(c) lens and diagnostic refresh after an edit in a 2,000-line file with 20 models', async () => {
    const api = await activateExtension();
    const text = bigFile();
    assert.equal(text.split('\n').length - 1, 2000);
    const editor = await openScratch('twenty_models.py', text);
    const doc = editor.document;
    const first = await api.analyses.get(doc);
    assert.equal(first?.analysis.models.length, 20, 'the 20 models were not detected');

    const samples: { publishedMs: number; editRoundTripMs: number; changeToPublishedMs: number; analysisMs: number; diagnosticsMs: number; lensesMs: number }[] = [];
    const onDemand: { lensesMs: number; analysisMs: number }[] = [];
    for (let i = 0; i < 6; i++) {
      // an edit like typing: change one model's units
      const line = doc.getText().split('\n').findIndex((l) => l.startsWith(`o${i} = Dense(`));
      const lineText = doc.lineAt(line).text;
      const version = doc.version;
      const at = lineText.indexOf('Dense(') + 6;
      const published = waitForEvent(api.analyses.onDidAnalyze, (a: DocumentAnalysis) => a.uri.toString() === doc.uri.toString() && a.version === version + 1, 10_000, 'the analysis of the edit');
      const diagnostics = waitForEvent(vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.toString() === doc.uri.toString()), 10_000, 'the diagnostics of the edit').catch(() => null);
      let arrived = NaN;
      const arrival = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === doc && Number.isNaN(arrived)) arrived = performance.now();
      });
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(line, at, line, at + 1), String((i % 8) + 2)); // Dense(1) → Dense(2..9): a real change
      const t0 = performance.now();
      assert.ok(await vscode.workspace.applyEdit(edit));
      const analysis = await published;
      const t1 = performance.now();
      arrival.dispose();
      const diag = await diagnostics;
      const t2 = performance.now();
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
      const t3 = performance.now();
      assert.ok(lenses.filter((l) => l.command?.command === 'masklens.evaluate').length === 20, 'not 20 Evaluate lenses after the edit');
      samples.push({ publishedMs: ms(t1 - t0), editRoundTripMs: ms(arrived - t0), changeToPublishedMs: ms(t1 - arrived), analysisMs: ms(analysis.elapsedMs), diagnosticsMs: diag ? ms(t2 - t0) : NaN, lensesMs: ms(t3 - t0) });
      // the same edit asked for at once (what a provider call does when the analysis is stale: no debounce)
      const edit2 = new vscode.WorkspaceEdit();
      edit2.replace(doc.uri, new vscode.Range(line, at, line, at + 1), String((i % 8) + 3));
      assert.ok(await vscode.workspace.applyEdit(edit2));
      const s0 = performance.now();
      const lenses2 = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
      const s1 = performance.now();
      assert.equal(lenses2.filter((l) => l.command?.command === 'masklens.evaluate').length, 20);
      onDemand.push({ lensesMs: ms(s1 - s0), analysisMs: ms(api.analyses.peek(doc.uri)?.elapsedMs ?? NaN) });
      await sleep(400); // let the debounced run of edit2 pass
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    record('refreshAfterEdit2000Lines20Models', {
      debounceMs: api.analyses.debounceFor(doc),
      medianPublishedMs: median(samples.map((s) => s.publishedMs)),
      medianEditRoundTripMs: median(samples.map((s) => s.editRoundTripMs)),
      medianChangeEventToPublishedMs: median(samples.map((s) => s.changeToPublishedMs)),
      medianAnalysisMs: median(samples.map((s) => s.analysisMs)),
      medianDiagnosticsMs: median(samples.map((s) => s.diagnosticsMs)),
      medianLensesMs: median(samples.map((s) => s.lensesMs)),
      medianOnDemandLensesMs: median(onDemand.map((s) => s.lensesMs)),
      targetMs: 50,
      samples,
      onDemand,
    });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
