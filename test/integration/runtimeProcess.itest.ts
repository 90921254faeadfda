/**
 * TensorFlow in its own process, in a real VS Code. Models too large for the memory cap are
 * refused before TensorFlow builds them (Dense(10**8) used to make oneDNN abort the process),
 * and a zip bomb is refused before it is inflated: one clear error naming the layer and its
 * line, the same process serving the next task. A native fault in TensorFlow (an abort, a
 * segfault, through the probe's test-only faults) ends only that process: the extension host
 * this suite runs in lives on (the harness fails the run if it dies), the user sees one clear
 * error naming the model, and the next evaluate succeeds in a new process.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, LONG_TRAINING, openExample, openScratch, screenshot, sleep } from './harness';
import { BOMB_VALUES, zeroArrayMember, zip } from '../hostile/files';

type EvaluateOutcome = { backend: string; lossValues: Record<string, number> | null } | undefined;

async function nextEvaluateSucceeds(): Promise<void> {
  const seed1 = await openExample('seed001_embedding_dense_mse.py');
  const next = await vscode.commands.executeCommand<EvaluateOutcome>('masklens.evaluate', seed1.document.uri, 'm');
  assert.ok(next?.lossValues, 'the evaluate after the refusal or crash returned no result');
  assert.equal(next.backend, 'tensorflow');
}

/** Evaluates a hostile example through the command and returns the error the user was shown. */
async function refusedEvaluate(example: string): Promise<string | undefined> {
  const api = await activateExtension();
  const editor = await openExample(example);
  assert.equal((await api.analyses.get(editor.document))?.analysis.models[0]?.name, 'model');
  api.tasks.lastError = undefined;
  const result = await vscode.commands.executeCommand<EvaluateOutcome>(
    'masklens.evaluate',
    editor.document.uri,
    'model',
  );
  assert.equal(result, undefined, `${example} was evaluated`);
  return api.tasks.lastError;
}

suite('runtime process', () => {
  test('a Dense(10**8) model is refused before TensorFlow builds it: one clear error naming its line, and the same process serves the next evaluate', async () => {
    const api = await activateExtension();
    await nextEvaluateSucceeds();
    const pid = api.runtime.pid;
    assert.equal(
      await refusedEvaluate('hostile/dense_1e8_units.py'),
      "MaskLens: Evaluating model failed: `Dense(10**8)` (layer 'dense', line 10) needs 1.49 GiB for its 400,000,000 weights, 2.98 GiB while they are initialised; the memory cap is 2 GiB (setting masklens.memoryCapMB)",
    );
    assert.equal(api.runtime.pid, pid, "TensorFlow's process was replaced");
    await sleep(1000); // the lens drops its "Evaluating…" line
    const shot = await screenshot('runtime-refusal-dense-1e8');
    // the panel shows the failure in full (the lens shows its start)
    if (shot.framesText !== null)
      assert.match(
        shot.framesText,
        /Evaluating model failed\s+[^\n]*\s+`Dense\(10\*\*8\)` \(layer 'dense', line 10\) needs 1\.49 GiB/,
      );
    await nextEvaluateSucceeds();
    assert.equal(api.runtime.pid, pid);
  });

  test('an Embedding(10**9, 10**6) and np.zeros((50000000, 4)) in the source are refused the same way', async () => {
    assert.match(
      (await refusedEvaluate('hostile/embedding_1e9_by_1e6.py')) ?? '',
      /^MaskLens: Evaluating model failed: `Embedding\(10\*\*9, 10\*\*6\)` \(layer 'embedding', line 8\) needs 3\.55 PiB/,
    );
    await nextEvaluateSucceeds();
    assert.match(
      (await refusedEvaluate('hostile/inline_zeros_50m.py')) ?? '',
      /^MaskLens: Evaluating model failed: x \(inline\): `np\.zeros\(\(50000000, 4\)\)` \(200,000,000 values\) needs about 2\.98 GiB/,
    );
    await nextEvaluateSucceeds();
  });

  test('a zip bomb given as data is refused before it is inflated, and the next task works', async () => {
    const api = await activateExtension();
    const editor = await openExample('seed001_embedding_dense_mse.py');
    const { input } = await api.analyses.taskInput(editor.document, 'm');
    const bomb = join(mkdtempSync(join(tmpdir(), 'masklens-itest-')), 'bomb.npz');
    writeFileSync(bomb, zip([zeroArrayMember('x.npy', BOMB_VALUES)], { streamed: true }));
    const pid = api.runtime.pid;
    await assert.rejects(
      api.runtime.run({ kind: 'evaluate', model: input.model, data: { source: 'file', x: bomb } }).result,
      (e: unknown) =>
        e instanceof Error &&
        /^x \(.*bomb\.npz\)\[x\]: member 'x\.npy' \(shape \(275000000,\), 2\.05 GiB once inflated\) needs about 2\.05 GiB/.test(
          e.message,
        ),
    );
    assert.equal(api.runtime.pid, pid);
    await nextEvaluateSucceeds();
  });

  test("a native abort in TensorFlow's process fails only that task with one clear error; the next evaluate succeeds in a new process", async () => {
    const api = await activateExtension();
    await nextEvaluateSucceeds();
    const pid = api.runtime.pid;
    await assert.rejects(
      api.runtime.run({ kind: 'probe', testFault: 'abort' }).result,
      (e: unknown) =>
        e instanceof Error &&
        e.message.startsWith("TensorFlow's process stopped (SIGABRT) while probing the TensorFlow backend."),
    );
    assert.equal(api.runtime.pid, undefined, 'the crashed process is still counted as running');
    await nextEvaluateSucceeds();
    assert.ok(api.runtime.pid !== undefined && api.runtime.pid !== pid, 'the next task did not get a new process');
  });

  test("a native segfault in TensorFlow's process fails the training in flight, naming its model; the next evaluate succeeds", async () => {
    const api = await activateExtension();
    const editor = await openScratch('long_training.py', LONG_TRAINING);
    assert.equal(
      (await api.analyses.get(editor.document))?.analysis.models.length,
      1,
      'the scratch model was not detected',
    );
    api.tasks.lastError = undefined;
    const training = Promise.resolve(
      vscode.commands.executeCommand<unknown>('masklens.train', editor.document.uri, 'model'),
    );
    const started = Date.now();
    while (api.runtime.runningCount === 0 && Date.now() - started < 60_000) await sleep(50);
    await sleep(2000); // into its epochs
    const workers = api.runtime.state?.workers ?? 0;
    assert.ok(workers >= 2, `the fault needs a second worker beside the training; the pool has ${workers}`);
    const pid = api.runtime.pid;
    await assert.rejects(
      api.runtime.run({ kind: 'probe', testFault: 'segv' }).result,
      (e: unknown) =>
        e instanceof Error &&
        e.message.startsWith("TensorFlow's process stopped (SIGSEGV) while probing the TensorFlow backend."),
    );
    assert.equal(await training, undefined, 'the training returned a result');
    assert.equal(
      api.tasks.lastError,
      "MaskLens: Training model failed: TensorFlow's process stopped (SIGSEGV) while training model 'model'. The extension is fine; the next task starts a new process.",
    );
    assert.equal(api.runtime.runningCount, 0);
    await sleep(1000);
    const shot = await screenshot('runtime-crash-segv-during-training');
    if (shot.framesText !== null)
      assert.match(shot.framesText, /TensorFlow's process stopped \(SIGSEGV\) while training model 'model'/);
    await nextEvaluateSucceeds();
    assert.ok(api.runtime.pid !== undefined && api.runtime.pid !== pid, 'the next task did not get a new process');
  });
});
