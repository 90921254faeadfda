/**
 * Measured in the real VS Code: command → rendered panel for seed 001 with a warm pool, and the
 * extension host's event-loop delay while a training runs (typing in a large file:
 * typing-burst.itest.ts). Reported in the test output and in test-results/measurements.json;
 * only very generous sanity bounds are asserted.
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { activateExtension, LONG_TRAINING, openExample, openScratch, sleep, waitForEvent } from './harness';
import { ms, record } from './measure';

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
      const rendered = waitForEvent(
        api.panel.onDidRender,
        (r) => r.view === 'evaluate',
        60_000,
        'the panel to render the evaluation',
      );
      const t0 = performance.now();
      const result = await vscode.commands.executeCommand<{ elapsedMs: number } | undefined>(
        'masklens.evaluate',
        editor.document.uri,
        'm',
      );
      const t1 = performance.now();
      await rendered;
      const t2 = performance.now();
      runs.push({ resultMs: ms(t1 - t0), renderedMs: ms(t2 - t0), workerMs: ms(result?.elapsedMs ?? NaN) });
    }
    const sorted = runs.map((r) => r.renderedMs).sort((a, b) => a - b);
    record('commandToRenderedPanelSeed001WarmMs', {
      median: sorted[Math.floor(sorted.length / 2)],
      min: sorted[0],
      max: sorted[sorted.length - 1],
      runs,
    });
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
    const value = {
      p50: toMs(histogram.percentile(50)),
      p99: toMs(histogram.percentile(99)),
      max: toMs(histogram.max),
      mean: toMs(histogram.mean),
      samples: histogram.count,
      windowMs: 6000,
      trainingRanThroughout: stillRunning,
      resolutionMs: 10,
      targetP99Ms: 20,
    };
    // Node's histogram records each timer interval whole (resolution included): the delay beyond the 10 ms tick is value − 10.
    record('extensionHostEventLoopDelayDuringTrainingMs', {
      beyondResolution: { p50: ms(value.p50 - 10), p99: ms(value.p99 - 10), max: ms(value.max - 10) },
      ...value,
      panelPostsDuringWindow: posts,
      cpus: os.cpus().length,
      loadAverage1m: ms(os.loadavg()[0]),
      idleBaseline: {
        p50: toMs(idle.percentile(50)),
        p99: toMs(idle.percentile(99)),
        max: toMs(idle.max),
        windowMs: 3000,
      },
    });
    assert.ok(stillRunning, 'the training ended before the measuring window closed');
    assert.ok(value.p99 < 1000, `event-loop p99 ${value.p99} ms`);
  });
});
