/** The task functions the pool calls: results, errors, cancellation, NaN, and no tensor leaks. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { writeNpy } from '../../src/core/data/npy';
import { TaskCancelledError, UserFacingError } from '../../src/core/protocol/task';
import {
  evaluateResultSchema,
  compareResultSchema,
  trainResultSchema,
  toJsonText,
} from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { loadTf } from '../../src/worker/tf';
import { arr, ctx, layer, sequential } from './helpers';

const { tf } = loadTf();

const seed001 = sequential(
  [4],
  [layer('Embedding', { input_dim: 5, output_dim: 5, mask_zero: true }), layer('Dense', { units: 3 })],
);
const maskedLstm = sequential(
  [6, 2],
  [layer('Masking', {}), layer('LSTM', { units: 4, return_sequences: true }), layer('Dense', { units: 1 })],
);

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserFacingError, `expected UserFacingError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('evaluate, seed 001: loss over the first two timesteps only; result is valid plain JSON; no leaks', async () => {
  const before = tf.memory().numTensors;
  const r = await runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: seed001, training: { loss: 'mse' } },
      data: {
        source: 'inline',
        x: arr([1, 4], [1, 2, 0, 0]),
        y: { expr: { op: 'reshape', target: { op: 'arange', start: 0, stop: 12 }, shape: [1, 4, 3] } },
      },
    },
    ctx,
  );
  assert.ok(evaluateResultSchema.safeParse(r).success);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(r.tensors, { before: r.tensors.before, after: r.tensors.before });
  const out = r.output as number[][][];
  const y = [
    [0, 1, 2],
    [3, 4, 5],
  ];
  let expected = 0;
  for (let t = 0; t < 2; t++) for (let f = 0; f < 3; f++) expected += (out[0][t][f] - y[t][f]) ** 2;
  expected /= 6;
  assert.ok(r.loss && Math.abs(r.loss['valid-mean'] - expected) < 1e-4 * expected);
  assert.ok(Math.abs(r.loss.keras.value - expected) < 1e-4 * expected);
  assert.deepEqual(r.layers[0].mask, [[1, 1, 0, 0]]);
  assert.deepEqual(r.outputMask, [[1, 1, 0, 0]]);
  assert.ok(r.paddingShareOfUnmaskedLoss !== null && r.paddingShareOfUnmaskedLoss > 0.5);
  assert.equal(r.data.source, 'inline');
  JSON.parse(toJsonText(r));
});

test('evaluate without data: synthetic, labelled as such, deterministic under the seed', async () => {
  const req = {
    kind: 'evaluate' as const,
    model: { name: 'm', config: maskedLstm, training: { loss: 'mae' } },
    seed: 5,
    data: { source: 'synthetic' as const, samples: 4 },
  };
  const a = await runTask(req, ctx);
  const b = await runTask(req, ctx);
  assert.equal(a.data.source, 'synthetic');
  assert.equal(a.data.synthetic, true);
  assert.match(a.data.description, /synthetic/);
  assert.deepEqual(a.output, b.output);
  assert.deepEqual(a.layers[0].maskSummary?.validPerSample, a.data.lengths);
});

test('evaluate with layerOutputs false: the same masks, losses and output, no per-layer outputs', async () => {
  const req = {
    kind: 'evaluate' as const,
    model: { name: 'm', config: maskedLstm, training: { loss: 'mae' } },
    seed: 5,
    data: { source: 'synthetic' as const, samples: 4 },
  };
  const full = await runTask(req, ctx);
  const lean = await runTask({ ...req, layerOutputs: false }, ctx);
  assert.ok(
    full.layers.every((l) => Array.isArray(l.output)),
    'layer outputs expected by default',
  );
  assert.ok(
    lean.layers.every((l) => l.output === undefined),
    'no layer outputs when not asked for',
  );
  const strip = (r: typeof full) => ({
    ...r,
    layers: r.layers.map((l) => ({ ...l, output: undefined })),
    elapsedMs: 0,
  });
  assert.deepEqual(strip(lean), strip(full));
});

test('evaluate without targets: masks and outputs, losses null', async () => {
  const r = await runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: seed001 },
      data: { source: 'inline', x: arr([1, 4], [1, 0, 2, 0]) },
    },
    ctx,
  );
  assert.equal(r.loss, null);
  assert.equal(r.perTimestepLoss, null);
  assert.deepEqual(r.layers[1].mask, [[1, 0, 1, 0]]);
});

test('NaN in the targets is reported, and the masked loss is NaN (seed 002)', async () => {
  const y = Array.from({ length: 6 }, (_, t) => (t < 3 ? 1 : NaN));
  const x = Array.from({ length: 12 }, (_, i) => (i < 6 ? 1 : 0));
  const r = await runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: maskedLstm, training: { loss: 'mae' } },
      data: { source: 'inline', x: arr([1, 6, 2], x), y: arr([1, 6, 1], y) },
    },
    ctx,
  );
  assert.ok(r.loss && Number.isNaN(r.loss['valid-mean']));
  assert.match(r.warnings.join('\n'), /NaN.*cannot be masked away/);
  assert.equal(r.data.nan.y, 3);
});

test('bad inputs: one clear error each, and the worker keeps working without leaks', async () => {
  const before = tf.memory().numTensors;
  const base = { kind: 'evaluate' as const, model: { name: 'm', config: maskedLstm, training: { loss: 'mse' } } };
  await rejects(
    runTask({ ...base, data: { source: 'inline', x: arr([1, 6, 3], new Array(18).fill(1)) } }, ctx),
    'data-shape',
  );
  await rejects(
    runTask(
      {
        kind: 'evaluate',
        model: { name: 'm', config: seed001 },
        data: { source: 'inline', x: arr([1, 4], [1, 2.5, 0, 0]) },
      },
      ctx,
    ),
    'data-dtype',
  );
  await rejects(
    runTask(
      { ...base, nanPolicy: 'error', data: { source: 'inline', x: arr([1, 6, 2], [NaN, ...new Array(11).fill(1)]) } },
      ctx,
    ),
    'data-nan',
  );
  const dir = mkdtempSync(join(tmpdir(), 'masklens-'));
  const good = writeNpy({ shape: [1, 6, 2], data: new Array(12).fill(1) });
  writeFileSync(join(dir, 'corrupt.npy'), good.subarray(0, good.length - 9));
  await rejects(runTask({ ...base, data: { source: 'file', x: join(dir, 'corrupt.npy') } }, ctx), 'data-corrupt');
  await rejects(runTask({ ...base, data: { source: 'file', x: join(dir, 'missing.npy') } }, ctx), 'data-missing');
  await rejects(
    runTask({ ...base, memoryCapMB: 0.001, data: { source: 'synthetic', samples: 64 } }, ctx),
    'memory-cap',
  );
  assert.equal(tf.memory().numTensors, before);
  // Files work when they are right.
  writeFileSync(join(dir, 'x.npy'), good);
  const ok = await runTask({ ...base, data: { source: 'file', x: join(dir, 'x.npy') } }, ctx);
  assert.equal(ok.data.source, 'file');
  assert.equal(tf.memory().numTensors, before);
});

test('compare: every reduction side by side, and whether the mask reaches the loss', async () => {
  const r = await runTask(
    {
      kind: 'compare',
      model: { name: 'm', config: maskedLstm, training: { loss: 'mse' } },
      data: { source: 'synthetic', samples: 6 },
    },
    ctx,
  );
  assert.ok(compareResultSchema.safeParse(r).success);
  assert.deepEqual(
    r.reductions.map((x) => x.id),
    ['none', 'valid-mean', 'total-mean', 'sequence-mean'],
  );
  assert.equal(r.maskReachesLoss, true);
  assert.equal(r.tensors.after, r.tensors.before);
});

test('train: masked loss goes down, per-epoch history, progress per batch, no leaks', async () => {
  const before = tf.memory().numTensors;
  const events: string[] = [];
  const r = await runTask(
    {
      kind: 'train',
      model: { name: 'm', config: maskedLstm, training: { loss: 'mse' } },
      data: { source: 'synthetic', samples: 16 },
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.05 } },
      epochs: 5,
      batchSize: 4,
      validation: { split: 0.25 },
    },
    { progress: (e) => events.push(e.type), cancelled: () => false },
  );
  assert.ok(trainResultSchema.safeParse(r).success);
  assert.equal(r.history.length, 5);
  assert.ok(r.history[4].train.masked < r.history[0].train.masked, 'the masked training loss decreases');
  assert.ok(r.history[0].val);
  assert.equal(r.validation?.samples, 4);
  assert.equal(events.filter((e) => e === 'batch').length, 5 * 3);
  assert.equal(r.stopped.reason, 'completed');
  assert.equal(tf.memory().numTensors, before);
});

test('train: cancellation between batches, and the tensors are freed', async () => {
  const before = tf.memory().numTensors;
  let batches = 0;
  await assert.rejects(
    runTask(
      {
        kind: 'train',
        model: { name: 'm', config: maskedLstm, training: { loss: 'mse' } },
        data: { source: 'synthetic', samples: 16 },
        epochs: 50,
        batchSize: 2,
      },
      { progress: (e) => (e.type === 'batch' ? batches++ : undefined), cancelled: () => batches >= 3 },
    ),
    TaskCancelledError,
  );
  assert.equal(batches, 3);
  assert.equal(tf.memory().numTensors, before);
});

test('train: a NaN loss stops training with the reason (NaN padding)', async () => {
  const x = Array.from({ length: 24 }, (_, i) => (i % 12 < 6 ? 1 : 0));
  const y = Array.from({ length: 12 }, (_, i) => (i % 6 < 3 ? 1 : NaN));
  const r = await runTask(
    {
      kind: 'train',
      model: { name: 'm', config: maskedLstm, training: { loss: 'mae' } },
      data: { source: 'inline', x: arr([2, 6, 2], x), y: arr([2, 6, 1], y) },
      epochs: 3,
    },
    ctx,
  );
  assert.equal(r.stopped.reason, 'nan-loss');
  assert.match(r.stopped.message, /targets hold 6 NaN/);
  assert.equal(r.history.length, 0);
});
