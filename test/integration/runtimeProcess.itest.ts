/**
 * TensorFlow in its own process, in a real VS Code: a native fault in TensorFlow (oneDNN's
 * abort on a Dense(10**8) model; a segfault, through the probe's test-only fault) ends only that
 * process. The extension host this suite runs in lives on (the harness fails the run if it
 * dies), the user sees one clear error naming the model, and the next evaluate succeeds in a
 * new process.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, LONG_TRAINING, openExample, openScratch, screenshot, sleep } from './harness';

type EvaluateOutcome = { backend: string; lossValues: Record<string, number> | null } | undefined;

async function nextEvaluateSucceeds(): Promise<void> {
  const seed1 = await openExample('seed001_embedding_dense_mse.py');
  const next = await vscode.commands.executeCommand<EvaluateOutcome>('masklens.evaluate', seed1.document.uri, 'm');
  assert.ok(next?.lossValues, 'the evaluate after the crash returned no result');
  assert.equal(next.backend, 'tensorflow');
}

suite('runtime process', () => {
  test("evaluating a Dense(10**8) model crashes only TensorFlow's process: clear error, and the next evaluate succeeds", async () => {
    const api = await activateExtension();
    const editor = await openExample('hostile/dense_1e8_units.py');
    const analysis = await api.analyses.get(editor.document);
    assert.equal(analysis?.analysis.models[0]?.ir.name, 'model');
    api.tasks.lastError = undefined;
    const result = await vscode.commands.executeCommand<EvaluateOutcome>('masklens.evaluate', editor.document.uri, 'model');
    assert.equal(result, undefined, 'the Dense(10**8) model was evaluated');
    assert.equal(
      api.tasks.lastError,
      "MaskLens: Evaluating model failed: TensorFlow's process stopped (SIGABRT: oneDNN error: could not create a primitive) while evaluating model 'model'. The extension is fine; the next task starts a new process.",
    );
    assert.equal(api.runtime.pid, undefined, 'the crashed process is still counted as running');
    await sleep(1000); // the lens drops its "Evaluating…" line
    const shot = await screenshot('runtime-crash-dense-1e8');
    // the panel keeps the whole message (the notification shows its start)
    if (shot.framesText !== null) assert.match(shot.framesText, /Evaluating model failed: TensorFlow's process stopped \(SIGABRT: oneDNN error: could not create a primitive\) while evaluating model 'model'/);
    await nextEvaluateSucceeds();
  });

  test("a native segfault in TensorFlow's process fails the training in flight, naming its model; the next evaluate succeeds", async () => {
    const api = await activateExtension();
    const editor = await openScratch('long_training.py', LONG_TRAINING);
    assert.equal((await api.analyses.get(editor.document))?.analysis.models.length, 1, 'the scratch model was not detected');
    api.tasks.lastError = undefined;
    const training = Promise.resolve(vscode.commands.executeCommand<unknown>('masklens.train', editor.document.uri, 'model'));
    const started = Date.now();
    while (api.runtime.runningCount === 0 && Date.now() - started < 60_000) await sleep(50);
    await sleep(2000); // into its epochs
    const workers = api.runtime.state?.workers ?? 0;
    assert.ok(workers >= 2, `the fault needs a second worker beside the training; the pool has ${workers}`);
    const pid = api.runtime.pid;
    await assert.rejects(api.runtime.run({ kind: 'probe', testFault: 'segv' }).result, (e: unknown) => e instanceof Error && e.message.startsWith("TensorFlow's process stopped (SIGSEGV) while probing the TensorFlow backend."));
    assert.equal(await training, undefined, 'the training returned a result');
    assert.equal(
      api.tasks.lastError,
      "MaskLens: Training model failed: TensorFlow's process stopped (SIGSEGV) while training model 'model'. The extension is fine; the next task starts a new process.",
    );
    assert.equal(api.runtime.runningCount, 0);
    await sleep(1000);
    const shot = await screenshot('runtime-crash-segv-during-training');
    if (shot.framesText !== null) assert.match(shot.framesText, /TensorFlow's process stopped \(SIGSEGV\) while training model 'model'/);
    await nextEvaluateSucceeds();
    assert.ok(api.runtime.pid !== undefined && api.runtime.pid !== pid, 'the next task did not get a new process');
  });
});
