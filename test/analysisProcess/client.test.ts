/**
 * The analysis client against the real analysis process (dist/analysis.js, built by `npm test`;
 * alone: `npm run compile` first): document sync, versions, cancellation of stale analyses,
 * hostile files stopped and reported, and the process restarted after it dies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate } from '../../bench/analyze.bench';
import { AnalysisClient } from '../../src/analysisProcess/client';
import { Rng } from '../../src/core/data/random';
import type {
  AnalysisLimits,
  AnalysisView,
  ContentChange,
  DocumentSettings,
} from '../../src/core/protocol/analysisProcess';
import { HEAVY_LOOPS, LIST_DOUBLING, modelsWithFiller, SLOW_LOOPS, TYPED_MODEL, typingLine } from './texts';

const root = join(__dirname, '..', '..');
const serverModule = join(root, 'dist', 'analysis.js');
const settings: DocumentSettings = { family: 'keras3', dimensions: {} };
const SEED001 = readFileSync(join(root, 'examples', 'seed001_embedding_dense_mse.py'), 'utf8');
const DEFAULT_LIMITS: AnalysisLimits = { timeLimitMs: 5000, memoryLimitMB: 1024 };

/** A client with every analysis it received, and a way to wait for the one a test expects. */
function start(limits: AnalysisLimits = DEFAULT_LIMITS) {
  const client = new AnalysisClient({ serverModule, limits });
  const views: (AnalysisView & { at: number })[] = [];
  const waiting: { match: (v: AnalysisView) => boolean; resolve: (v: AnalysisView & { at: number }) => void }[] = [];
  client.onAnalysis((view) => {
    const v = { ...view, at: performance.now() };
    views.push(v);
    for (const w of waiting.filter((x) => x.match(view))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(v);
    }
  });
  const next = (
    uri: string,
    match: (v: AnalysisView) => boolean,
    timeoutMs = 15_000,
  ): Promise<AnalysisView & { at: number }> => {
    const seen = views.find((v) => v.uri === uri && match(v));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no analysis of ${uri} as expected within ${timeoutMs} ms; got ${JSON.stringify(views.map((v) => [v.uri, v.version, v.stopped?.message]))}`,
            ),
          ),
        timeoutMs,
      );
      waiting.push({ match: (v) => v.uri === uri && match(v), resolve: (v) => (clearTimeout(timer), resolve(v)) });
    });
  };
  const open = (uri: string, text: string, version = 1): void =>
    client.open({ uri, file: `/tmp/${uri.replace(/\W/g, '_')}.py`, label: uri, version, text, settings });
  return { client, views, next, open };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A view without what differs between two documents of the same text. */
function content(v: AnalysisView & { at: number }): unknown {
  const { uri: _uri, version: _version, elapsedMs: _elapsed, at: _at, ...rest } = v;
  return rest;
}

/** The LSP-style change replacing [from, to) of `text` with `insert`. */
function changeAt(text: string, from: number, to: number, insert: string): ContentChange {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { range: { start: position(from), end: position(to) }, rangeLength: to - from, text: insert };
}

test('open, change, close: every analysis carries its document and version; a task input is asked for by model', async () => {
  const { client, next, open } = start();
  try {
    const uri = 'file:///seed001.py';
    open(uri, SEED001);
    const first = await next(uri, (v) => v.version === 1);
    assert.deepEqual(
      first.models.map((m) => m.name),
      ['m'],
    );
    assert.equal(first.stopped, null);
    assert.deepEqual(first.models[0].layers.find((l) => l.className === 'Dense')?.outputShape, [null, 4, 3]);

    const at = SEED001.indexOf('Dense(3)') + 'Dense('.length;
    client.change(uri, 2, [changeAt(SEED001, at, at + 1, '7')]);
    const second = await next(uri, (v) => v.version === 2);
    assert.deepEqual(second.models[0].layers.find((l) => l.className === 'Dense')?.outputShape, [null, 4, 7]);

    const reply = await client.taskInput(uri, 2, 'm');
    assert.equal(reply.version, 2);
    assert.equal(reply.input.model.name, 'm');
    assert.match(JSON.stringify(reply.input.model.config), /"units":7/);
    assert.equal(reply.input.sourceData?.source, 'inline', 'seed 001 writes its arrays in the source');
    await assert.rejects(client.taskInput(uri, 2, 'nope'), /no model named 'nope'/);

    client.close(uri);
    await assert.rejects(client.taskInput(uri, 2, 'm'), /no finished analysis/);
  } finally {
    client.dispose();
  }
});

test('incremental edits give the same analysis as opening the edited text whole', async () => {
  const { client, next, open } = start();
  try {
    let text = generate();
    open('file:///edited.py', text);
    await next('file:///edited.py', (v) => v.version === 1);
    const rng = new Rng(7);
    const inserts = ['x', '\n', '    ', 'Dense(4)(', ')', '# é 😀\n', '', 'model_3 = None\n'];
    let version = 1;
    for (let i = 0; i < 25; i++) {
      const from = rng.int(0, text.length);
      const to = Math.min(text.length, from + rng.int(0, 40));
      const insert = inserts[rng.int(0, inserts.length)];
      // one change per event mostly; sometimes two in one event, applied in order as VS Code sends them
      const changes: ContentChange[] = [changeAt(text, from, to, insert)];
      text = text.slice(0, from) + insert + text.slice(to);
      if (i % 5 === 4) {
        const at = rng.int(0, text.length);
        changes.push(changeAt(text, at, at, 'y'));
        text = `${text.slice(0, at)}y${text.slice(at)}`;
      }
      client.change('file:///edited.py', ++version, changes);
    }
    assert.equal(client.textOf('file:///edited.py'), text);
    open('file:///whole.py', text);
    const edited = await next('file:///edited.py', (v) => v.version === version);
    const whole = await next('file:///whole.py', (v) => v.version === 1);
    assert.deepEqual(content(edited), content(whole));
    assert.ok(edited.models.length > 0, 'the edits left no model to compare');
  } finally {
    client.dispose();
  }
});

test('typing: analyses of the keystrokes before are cancelled, mid-parse too, and the last one equals opening the final text', async () => {
  const { client, views, next, open } = start();
  try {
    const uri = 'file:///typing.py';
    const text = modelsWithFiller();
    const lines = text.split('\n');
    const line = typingLine(text);
    lines[line] = '';
    open(uri, lines.join('\n'));
    await next(uri, (v) => v.version === 1);
    // a half-typed call leaves a bracket open, which swallows the rest of the file: slow parses to cancel
    const typed = TYPED_MODEL;
    // keystrokes come faster than one analysis of a half-typed line takes on this machine, as they
    // do for a person on a slow one; at 40 ms apart a fast machine finished every analysis in time
    const halfTyped = [...lines];
    halfTyped[line] = typed.slice(0, Math.ceil(typed.length / 2));
    const t0 = performance.now();
    open('file:///half.py', halfTyped.join('\n'));
    const half = await next('file:///half.py', (v) => v.version === 1);
    const keystrokeMs = Math.max(1, Math.min(40, Math.floor((half.at - t0) / 4)));
    for (let k = 0; k < typed.length; k++) {
      client.change(uri, k + 2, [
        { range: { start: { line, character: k }, end: { line, character: k } }, text: typed[k] },
      ]);
      await sleep(keystrokeMs);
    }
    const last = typed.length + 1;
    const typedView = await next(uri, (v) => v.version === last);
    lines[line] = typed;
    open('file:///final.py', lines.join('\n'));
    const whole = await next('file:///final.py', (v) => v.version === 1);
    assert.deepEqual(content(typedView), content(whole));
    assert.equal(typedView.models.length, 21);
    assert.ok(
      typedView.models.some((m) => m.name === 'fresh'),
      'the typed model is missing',
    );
    const reported = views.filter((v) => v.uri === uri).length;
    assert.ok(reported < last, `all ${last} versions were analysed to the end: nothing was cancelled`);
  } finally {
    client.dispose();
  }
});

test('two quick changes: the stale version is cancelled, only the newest is reported', async () => {
  const { client, views, next, open } = start();
  try {
    const uri = 'file:///quick.py';
    // how long a million loop iterations take when nothing stops them (a document of its own)
    const t0 = performance.now();
    open('file:///big.py', SLOW_LOOPS);
    const whole = await next('file:///big.py', (v) => v.version === 1);
    const uncancelledMs = whole.at - t0;
    open(uri, SEED001);
    await next(uri, (v) => v.version === 1);
    const t1 = performance.now();
    client.change(uri, 2, [{ text: SLOW_LOOPS }]);
    client.change(uri, 3, [{ text: SEED001.replace('Dense(3)', 'Dense(4)') }]);
    const newest = await next(uri, (v) => v.version === 3);
    await sleep(300);
    assert.deepEqual(
      views.filter((v) => v.uri === uri).map((v) => v.version),
      [1, 3],
      'version 2 was reported',
    );
    assert.deepEqual(newest.models[0].layers.find((l) => l.className === 'Dense')?.outputShape, [null, 4, 4]);
    assert.ok(
      newest.at - t1 < uncancelledMs,
      `version 3 took ${(newest.at - t1).toFixed(0)} ms, as long as an uncancelled 2 MB analysis (${uncancelledMs.toFixed(0)} ms)`,
    );
  } finally {
    client.dispose();
  }
});

test('the list-doubling file is analysed with one warning on the doubling line, well within the budget; the process lives on and other files analyse', async () => {
  const { client, next, open } = start();
  try {
    await client.whenReady();
    const pid = client.pid;
    const uri = 'file:///doubling.py';
    const t0 = performance.now();
    open(uri, LIST_DOUBLING);
    const view = await next(uri, (v) => v.version === 1);
    const tookMs = view.at - t0;
    assert.ok(tookMs < 2000, `the analysis took ${tookMs.toFixed(0)} ms`);
    assert.equal(view.stopped, null);
    assert.deepEqual(
      view.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['analysis-limit', 2]],
    );
    assert.match(
      view.diagnostics[0].message,
      /^This list would grow past 1,000,000 elements; MaskLens stops following its value here\.$/,
    );
    open('file:///after.py', SEED001);
    const after = await next('file:///after.py', (v) => v.version === 1);
    assert.deepEqual(
      after.models.map((m) => m.name),
      ['m'],
    );
    assert.equal(client.pid, pid, 'the process restarted');
  } finally {
    client.dispose();
  }
});

test('a runaway stopped for time is blamed alone: the document analysed after it is not taken for the culprit', async () => {
  // A million loop iterations take the reader about a second (its own step budget ends them); the limit here is 300 ms.
  const { client, views, next, open } = start({ timeLimitMs: 300, memoryLimitMB: 1024 });
  try {
    open('file:///loops.py', HEAVY_LOOPS);
    await sleep(100);
    open('file:///innocent.py', SEED001);
    const stopped = await next('file:///loops.py', (v) => v.stopped !== null, 20_000);
    assert.match(stopped.diagnostics[0].message, /^MaskLens analysis stopped: took more than 300 ms/);
    const innocent = await next('file:///innocent.py', (v) => v.version === 1, 20_000);
    assert.equal(innocent.stopped, null, `the innocent file was blamed: ${innocent.stopped?.message}`);
    assert.deepEqual(
      innocent.models.map((m) => m.name),
      ['m'],
    );
    await sleep(500);
    assert.deepEqual(
      views.filter((v) => v.stopped).map((v) => v.uri),
      ['file:///loops.py'],
    );
  } finally {
    client.dispose();
  }
});

test('a million loop iterations over a 500 ms budget are stopped ("took more than 500 ms") and the next document analyses', async () => {
  const { client, next, open } = start({ timeLimitMs: 500, memoryLimitMB: 1024 });
  try {
    await client.whenReady();
    const pid = client.pid;
    const t0 = performance.now();
    open('file:///list.py', HEAVY_LOOPS);
    const stopped = await next('file:///list.py', (v) => v.stopped !== null);
    assert.equal(stopped.stopped?.reason, 'time');
    assert.match(stopped.diagnostics[0].message, /^MaskLens analysis stopped: took more than 500 ms\./);
    assert.ok(stopped.at - t0 < 500 + 1500, `stopped after ${(stopped.at - t0).toFixed(0)} ms`);
    open('file:///next.py', SEED001);
    const after = await next('file:///next.py', (v) => v.version === 1);
    assert.deepEqual(
      after.models.map((m) => m.name),
      ['m'],
    );
    assert.equal(client.pid, pid, 'the process itself should have survived: only its analyzer thread was stopped');
  } finally {
    client.dispose();
  }
});

test('a killed process is restarted and every open document analysed again', async () => {
  const { client, views, next, open } = start();
  try {
    open('file:///a.py', SEED001);
    await next('file:///a.py', (v) => v.version === 1);
    const pid = client.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && (client.pid === pid || client.pid === undefined); i++) await sleep(50);
    assert.notEqual(client.pid, pid, 'no new process');
    await next('file:///a.py', (v) => v.version === 1 && views.filter((x) => x.uri === 'file:///a.py').length === 2);
    open('file:///b.py', SEED001.replace('Dense(3)', 'Dense(5)'));
    const b = await next('file:///b.py', (v) => v.version === 1);
    assert.deepEqual(b.models[0].layers.find((l) => l.className === 'Dense')?.outputShape, [null, 4, 5]);
    assert.ok(
      views.every((v) => v.stopped === null),
      'a kill with nothing running stops no analysis',
    );
  } finally {
    client.dispose();
  }
});
