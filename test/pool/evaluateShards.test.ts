/**
 * An evaluation split between the pool's two workers, on the real native backend: the same
 * numbers as one worker's, progress added up over the shards and never going back, cancelling
 * stops every shard, a worker dying under one shard fails the whole with one message naming the
 * model, the time limit covers the whole; the pool goes on working after each. Needs `npm run compile`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { writeNpy } from '../../src/core/data/npy';
import { Rng } from '../../src/core/data/random';
import type { ProgressEvent } from '../../src/core/protocol/task';
import { MaskLensPool } from '../../src/pool/pool';
import { PoolTaskError } from '../../src/pool/errors';
import { layer, sequential } from '../worker/helpers';

const workerFile = join(__dirname, '..', '..', 'dist', 'worker.js');
const dir = mkdtempSync(join(tmpdir(), 'masklens-pool-shards-'));
const STEPS = 40;
const FEATURES = 8;
const SAMPLES = 6000;

function write(): { x: string; y: string } {
  const rng = new Rng(21);
  const x = new Float32Array(SAMPLES * STEPS * FEATURES);
  const y = new Float32Array(SAMPLES * STEPS);
  for (let s = 0; s < SAMPLES; s++) {
    const length = 1 + Math.floor(rng.next() * STEPS);
    for (let t = 0; t < length; t++)
      for (let f = 0; f < FEATURES; f++) x[(s * STEPS + t) * FEATURES + f] = rng.next() * 2 - 1 || 0.5;
    for (let t = 0; t < STEPS; t++) y[s * STEPS + t] = rng.next() < 0.5 ? 1 : 0;
  }
  const paths = { x: join(dir, 'x.npy'), y: join(dir, 'y.npy') };
  writeFileSync(paths.x, writeNpy({ shape: [SAMPLES, STEPS, FEATURES], data: x }));
  writeFileSync(paths.y, writeNpy({ shape: [SAMPLES, STEPS, 1], data: y }));
  return paths;
}

const paths = write();
const request = {
  kind: 'evaluate' as const,
  model: {
    name: 'shared_tagger',
    config: sequential(
      [STEPS, FEATURES],
      [
        layer('Masking', { mask_value: 0 }),
        layer('LSTM', { units: 16, return_sequences: true }),
        layer('Dense', { units: 1, activation: 'sigmoid' }),
      ],
    ),
    training: { loss: 'binary_crossentropy', batchSize: 32, metrics: ['accuracy', 'AUC'] },
  },
  data: { source: 'file' as const, x: paths.x, y: paths.y },
  layerOutputs: false,
};

test('split between two workers', { timeout: 600_000 }, async (t) => {
  const pool = new MaskLensPool({ workerFile, workers: 2, cancelGraceMs: 3000 });
  try {
    await t.test('the same numbers as one worker, progress added up and monotone', async () => {
      const whole = await pool.run(request).result;
      const events: ProgressEvent[] = [];
      const split = await pool.runEvaluate(request, { onProgress: (e) => events.push(e) }).result;
      const fractions = events.flatMap((e) => (e.type === 'progress' ? [e.fraction] : []));
      assert.ok(
        events.some((e) => e.type === 'progress' && / on 2 workers$/.test(e.message)),
        'progress says two workers share it',
      );
      assert.ok(
        fractions.every((f, i) => i === 0 || f >= fractions[i - 1]),
        `monotone: ${fractions.join(' ')}`,
      );
      assert.equal(fractions[fractions.length - 1], 1);
      assert.equal(events.filter((e) => e.type === 'started').length, 1, 'one start, as for one task');
      assert.ok(whole.lossValues && split.lossValues && whole.loss && split.loss);
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
      for (const [id, v] of Object.entries(whole.lossValues))
        assert.ok(close(v, split.lossValues[id as keyof typeof split.lossValues]), id);
      assert.ok(close(whole.loss.keras.value, split.loss.keras.value), 'the loss Keras reports');
      whole.metrics.forEach((m, i) => assert.ok(close(m.keras, split.metrics[i].keras), m.name));
      assert.deepEqual(split.lengthBuckets, whole.lengthBuckets);
      assert.deepEqual(split.layers, whole.layers);
      assert.deepEqual(split.perTimestepLoss, whole.perTimestepLoss);
      assert.deepEqual(split.warnings, whole.warnings);
    });

    await t.test('cancel stops every shard', async () => {
      let cancel: () => void = () => undefined;
      const handle = pool.runEvaluate(request, {
        onProgress: (e) => {
          if (e.type === 'progress' && / on 2 workers$/.test(e.message)) cancel();
        },
      });
      cancel = () => handle.cancel('cancelled by the test');
      await assert.rejects(handle.result, (e: unknown) => e instanceof PoolTaskError && e.code === 'cancelled');
      assert.equal(pool.state.running, 0, 'no shard left running');
    });

    await t.test('a worker dying under one shard fails the whole, naming the model', async () => {
      let killed = false;
      const handle = pool.runEvaluate(request, {
        onProgress: (e) => {
          if (!killed && e.type === 'progress' && / on 2 workers$/.test(e.message)) {
            killed = true;
            void pool.threads[1]?.terminate();
          }
        },
      });
      await assert.rejects(handle.result, (e: unknown) => {
        assert.ok(e instanceof PoolTaskError);
        assert.equal(e.code, 'worker-crashed', e.message);
        assert.match(e.message, /^Evaluating model 'shared_tagger' on 2 workers, the part with samples/);
        return true;
      });
      assert.equal(pool.state.running, 0);
    });

    await t.test('the time limit covers the whole', async () => {
      const handle = pool.runEvaluate({ ...request, taskTimeoutSeconds: 0.5 });
      await assert.rejects(handle.result, (e: unknown) => e instanceof PoolTaskError && e.code === 'task-timeout');
      assert.equal(pool.state.running, 0);
    });

    await t.test('the pool still evaluates afterwards', async () => {
      const again = await pool.runEvaluate(request).result;
      assert.ok(again.loss);
    });
  } finally {
    await pool.close();
  }
});
