/**
 * Bad inputs through the real pool: each gives one clear, coded, located error, and the
 * same worker then serves the next task.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAnalyzer } from '../../src/core/analysis';
import type { RuntimeModel } from '../../src/core/protocol/runtimeTasks';
import { PoolTaskError } from '../../src/pool/errors';
import { MaskLensPool } from '../../src/pool/pool';

const root = join(__dirname, '..', '..');
let pool: MaskLensPool;
let model: RuntimeModel;
const scratch = mkdtempSync(join(tmpdir(), 'masklens-bad-inputs-'));

before(async () => {
  const analyzer = await createAnalyzer();
  const ir = analyzer.analyze(readFileSync(join(root, 'examples', 'seed001_embedding_dense_mse.py'), 'utf8'), {
    file: 'seed001.py',
    family: 'keras3',
  }).ir.models[0];
  analyzer.dispose();
  model = { name: ir.name, config: ir.config, lambdas: ir.lambdas, training: { loss: 'mse' } };
  pool = new MaskLensPool({ workerFile: join(root, 'dist', 'worker.js'), workers: 1 });
});
after(async () => pool.close());

async function stillServes(): Promise<void> {
  const ok = await pool.run({
    kind: 'evaluate',
    model,
    data: { source: 'inline', x: { shape: [1, 4], dtype: 'int32', values: [1, 2, 0, 0] } },
  }).result;
  assert.equal(ok.backend, 'tensorflow');
  assert.deepEqual(ok.layers.find((l) => l.className === 'Embedding')?.mask, [[1, 1, 0, 0]]);
}

async function rejectsWith(request: Parameters<MaskLensPool['run']>[0], code: string, message: RegExp): Promise<void> {
  await assert.rejects(pool.run(request).result, (e: unknown) => {
    assert.ok(e instanceof PoolTaskError, `not a PoolTaskError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
  await stillServes();
}

describe('bad inputs through the pool', () => {
  test('a corrupt .npy file', async () => {
    const file = join(scratch, 'corrupt.npy');
    writeFileSync(file, Buffer.from('\x93NUMPY\x01\x00garbage that is no header'));
    await rejectsWith({ kind: 'evaluate', model, data: { source: 'file', x: file } }, 'data-corrupt', /corrupt\.npy/);
  });

  test('data whose shape does not fit the model', async () => {
    await rejectsWith(
      {
        kind: 'evaluate',
        model,
        data: { source: 'inline', x: { shape: [1, 5], dtype: 'int32', values: [1, 2, 0, 0, 3] } },
      },
      'data-shape',
      /has shape \(1, 5\) but the model's input 'input_layer' expects \(None, 4\)/,
    );
  });

  test('non-integer indices for an Embedding', async () => {
    await rejectsWith(
      {
        kind: 'evaluate',
        model,
        data: { source: 'inline', x: { shape: [1, 4], dtype: 'float32', values: [1.5, 2, 0, 0] } },
      },
      'data-dtype',
      /Embedding|integer/i,
    );
  });

  test('NaN in data when NaN is refused', async () => {
    await rejectsWith(
      {
        kind: 'evaluate',
        model,
        nanPolicy: 'error',
        data: { source: 'inline', x: { shape: [1, 4], dtype: 'float32', values: [1, 'NaN', 0, 0] } },
      },
      'data-nan',
      /NaN/,
    );
  });

  test('a model and data too large for the memory cap', async () => {
    await rejectsWith(
      { kind: 'evaluate', model, memoryCapMB: 0.001, data: { source: 'synthetic', samples: 50_000 } },
      'memory-cap',
      /MiB|memory/i,
    );
  });
});
