/**
 * The task commands' other outputs, in a real VS Code: Compare Losses writes its table to the
 * MaskLens output channel, and Cancel Running Task stops a training run while the pool goes on
 * serving the next task.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatNumber } from '../../src/core/format';
import {
  activateExtension,
  examplesFolder,
  LONG_TRAINING,
  openExample,
  openScratch,
  screenshot,
  sleep,
} from './harness';

suite('tasks', () => {
  test('Compare Losses writes the reductions table to the MaskLens output channel', async () => {
    const api = await activateExtension();
    const editor = await openExample('seed001_embedding_dense_mse.py');
    api.tasks.lastComparisonTable = undefined;
    const result = await vscode.commands.executeCommand<
      { reductions: { id: string; value: number | null }[]; model: string; maskReachesLoss: boolean } | undefined
    >('masklens.compareLosses', editor.document.uri, 'm');
    assert.ok(result, 'compare returned no result');
    const table = api.tasks.lastComparisonTable ?? '';
    assert.match(table, /^m: /, table);
    assert.match(table, /The mask reaches the loss\./, table);
    assert.match(table, /^reduction\s+id\s+loss\s+computed by$/m, table);
    const ids = result.reductions.map((r) => r.id);
    assert.deepEqual([...ids].sort(), ['none', 'sequence-mean', 'total-mean', 'valid-mean']);
    for (const r of result.reductions) {
      const row = table.split('\n').find((l) => new RegExp(`\\s${r.id}\\s`).test(` ${l} `));
      assert.ok(row, `no row for ${r.id} in\n${table}`);
      assert.ok(row.includes(formatNumber(r.value)), `row '${row}' does not show ${r.id} = ${formatNumber(r.value)}`);
    }
    assert.match(table, /^Unmasked mean\s+none\s/m, 'no unmasked row');
    await sleep(300);
    await screenshot('compare-output-channel');
  });

  test('Cancel Running Task stops a training run, and the pool serves the next task', async () => {
    const api = await activateExtension();
    const editor = await openScratch('long_training.py', LONG_TRAINING);
    const analysis = await api.analyses.get(editor.document);
    assert.equal(analysis?.analysis.models.length, 1, 'the scratch model was not detected');
    api.tasks.lastResults.train = undefined;
    const started = Date.now();
    const training = Promise.resolve(
      vscode.commands.executeCommand<unknown>('masklens.train', editor.document.uri, 'model'),
    );
    let settled = false;
    void training.then(() => (settled = true));
    while (api.runtime.runningCount === 0 && Date.now() - started < 60_000) await sleep(50);
    assert.equal(api.runtime.runningCount, 1, 'the training did not start');
    await sleep(2000); // let it get into its epochs
    assert.equal(settled, false, 'the 5000-epoch training ended by itself');
    await screenshot('train-running-before-cancel');
    const cancelledAt = Date.now();
    await vscode.commands.executeCommand('masklens.cancel');
    const outcome = await Promise.race([training.then((r) => ({ r })), sleep(15_000).then(() => 'timeout' as const)]);
    const stopMs = Date.now() - cancelledAt;
    console.log(`[masklens-integration] training cancelled: the task ended ${stopMs} ms after masklens.cancel`);
    assert.notEqual(outcome, 'timeout', 'the training did not stop within 15 s of the cancel');
    assert.equal((outcome as { r: unknown }).r, undefined, 'a cancelled training returned a result');
    assert.equal(api.tasks.lastResults.train, undefined, 'the cancelled training stored a result');
    assert.equal(api.runtime.runningCount, 0, 'the pool still counts the task as running');
    // the pool serves the next task
    const seed1 = await openExample('seed001_embedding_dense_mse.py');
    const next = await vscode.commands.executeCommand<
      { backend: string; lossValues: Record<string, number> | null } | undefined
    >('masklens.evaluate', seed1.document.uri, 'm');
    assert.ok(next?.lossValues, 'the pool did not serve the task after the cancel');
    assert.equal(next.backend, 'tensorflow');
    await screenshot('train-cancelled-then-evaluate');
  });
});

suite('a size the source leaves to data', () => {
  test('Evaluate asks once for the vocabulary size a tokenizer computes, remembers it, and runs', async () => {
    const api = await activateExtension();
    const editor = await openScratch(
      'tokenized_vocab.py',
      `import keras\nfrom keras.preprocessing.text import Tokenizer\ntok = Tokenizer()\ntok.fit_on_texts(open('reviews.txt').read().split())\nvocab_size = len(tok.word_index) + 1\nmodel = keras.Sequential([keras.layers.Embedding(vocab_size, 4, input_length=6, mask_zero=True), keras.layers.LSTM(3), keras.layers.Dense(1)])\nmodel.compile(loss='mse', optimizer='adam')\n`,
    );
    const config = vscode.workspace.getConfiguration('masklens', editor.document.uri);
    const settingsFolder = path.join(examplesFolder().fsPath, '.vscode');
    const hadSettings = fs.existsSync(settingsFolder);
    await config.update('unresolvedDimensions', {}, vscode.ConfigurationTarget.Workspace);
    const asked: string[] = [];
    const original = api.tasks.askValue;
    api.tasks.askValue = async (options) => {
      asked.push(`${options.title ?? ''} | ${options.prompt ?? ''}`);
      return '25';
    };
    try {
      const result = await vscode.commands.executeCommand<
        { layers: { name: string; outputShape: (number | null)[] }[] } | undefined
      >('masklens.evaluate', editor.document.uri, 'model');
      assert.equal(asked.length, 1, `asked ${asked.length} times: ${asked.join('\n')}`);
      assert.match(asked[0], /`vocab_size`.*Embedding 'embedding': its input_dim is `vocab_size`/);
      assert.ok(result, 'no result after the value was supplied');
      assert.deepEqual(vscode.workspace.getConfiguration('masklens', editor.document.uri).get('unresolvedDimensions'), {
        vocab_size: 25,
      });
      const again = await vscode.commands.executeCommand<unknown>('masklens.evaluate', editor.document.uri, 'model');
      assert.ok(again, 'the second run failed');
      assert.equal(asked.length, 1, 'asked again for a value it remembers');
    } finally {
      api.tasks.askValue = original;
      await config.update('unresolvedDimensions', undefined, vscode.ConfigurationTarget.Workspace);
      if (!hadSettings) fs.rmSync(settingsFolder, { recursive: true, force: true }); // leave examples/ as it was
    }
  });
});
