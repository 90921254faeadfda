/**
 * An evaluation split into shards (as the pool splits it between workers) equals the same
 * evaluation in one pass: counts, masks and shown rows exactly, float64 sums within 1e-12
 * relative (the shards' totals are added shard by shard). Random data of several sizes, post and
 * pre padding, with and without length buckets, sample weights, metrics including AUC, a
 * class_weight in the training config; and a Metric subclass keeps the evaluation whole, saying why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { writeNpy } from '../../src/core/data/npy';
import { Rng } from '../../src/core/data/random';
import type { EvaluateShardResult } from '../../src/core/protocol/evaluateShard';
import { evaluateRequestSchema, runtimeModelOf, type EvaluateResult } from '../../src/core/protocol/runtimeTasks';
import type { ProgressEvent } from '../../src/core/protocol/task';
import { evaluateResultOf } from '../../src/core/runtime/evaluateResult';
import { runTask } from '../../src/worker/registry';
import { analyze, model as modelOf } from '../core/helpers';
import { arr, ctx, layer, sequential } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'masklens-shards-'));
const STEPS = 12;
const FEATURES = 3;

function files(name: string, samples: number, seed: number, padding: 'pre' | 'post') {
  const rng = new Rng(seed);
  const x = new Float32Array(samples * STEPS * FEATURES);
  const y = new Float32Array(samples * STEPS * 2);
  const w = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const length = 1 + Math.floor(rng.next() * STEPS);
    const first = padding === 'post' ? 0 : STEPS - length;
    for (let t = first; t < first + length; t++)
      for (let f = 0; f < FEATURES; f++) x[(s * STEPS + t) * FEATURES + f] = rng.next() * 2 - 1 || 0.5;
    for (let i = 0; i < STEPS * 2; i++) y[s * STEPS * 2 + i] = rng.next() < 0.4 ? 1 : 0;
    w[s] = 0.25 + rng.next();
  }
  const paths = { x: join(dir, `${name}-x.npy`), y: join(dir, `${name}-y.npy`), w: join(dir, `${name}-w.npy`) };
  writeFileSync(paths.x, writeNpy({ shape: [samples, STEPS, FEATURES], data: x }));
  writeFileSync(paths.y, writeNpy({ shape: [samples, STEPS, 2], data: y }));
  writeFileSync(paths.w, writeNpy({ shape: [samples, 1], data: w }));
  return paths;
}

const tagger = sequential(
  [STEPS, FEATURES],
  [
    layer('Masking', { mask_value: 0 }),
    layer('LSTM', { units: 5, return_sequences: true }),
    layer('Dense', { units: 2, activation: 'sigmoid' }),
  ],
);
const training = {
  loss: 'binary_crossentropy',
  batchSize: 32,
  metrics: ['mae', 'accuracy', { class_name: 'AUC', config: { name: 'auc' } }],
  weightedMetrics: ['mse'],
  classWeight: { '0': 1, '1': 2 },
};

/** Runs the shards as the pool would (shard 0 first, the others from its announcement) and finishes them. */
async function sharded(request: Parameters<typeof runTask<'evaluate'>>[0], workers: number) {
  const parsed = evaluateRequestSchema.parse(request);
  let ranges: { start: number; end: number }[] = [];
  const progress: ProgressEvent[] = [];
  const shardCtx = { progress: (e: ProgressEvent) => progress.push(e), cancelled: () => false };
  const shard = (index: number): Promise<EvaluateShardResult> =>
    runTask({ ...request, kind: 'evaluateShard', shard: { index, of: workers } }, shardCtx);
  const first = await shard(0);
  for (const e of progress) if (e.type === 'shards') ranges = e.ranges;
  const rest: EvaluateShardResult[] = [];
  for (let i = 1; i < ranges.length; i++) rest.push(await shard(i));
  return { result: evaluateResultOf(parsed, [first, ...rest], 0), ranges };
}

const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

/** Every number within 1e-12 relative, everything else equal; returns how many numbers differed at all. */
function assertClose(a: unknown, b: unknown, path: string): number {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(close(a, b), `${path}: ${a} vs ${b}`);
    return a === b || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : 1;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `${path}: length`);
    return a.reduce((n: number, x, i) => n + assertClose(x, b[i], `${path}[${i}]`), 0);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a).filter((k) => k !== 'elapsedMs');
    assert.deepEqual(
      keys.sort(),
      Object.keys(b)
        .filter((k) => k !== 'elapsedMs')
        .sort(),
      `${path}: keys`,
    );
    return keys.reduce((n, k) => n + assertClose(Reflect.get(a, k), Reflect.get(b, k), `${path}.${k}`), 0);
  }
  assert.deepEqual(a, b, path);
  return 0;
}

function assertSame(split: EvaluateResult, whole: EvaluateResult, label: string): number {
  // Counts, masks and shown rows: exactly.
  assert.deepEqual(split.caps, whole.caps, `${label}: caps`);
  assert.deepEqual(split.lengthBuckets, whole.lengthBuckets, `${label}: chunks in length buckets`);
  assert.deepEqual(split.outputMask, whole.outputMask, `${label}: the output mask of the shown samples`);
  assert.deepEqual(split.output, whole.output, `${label}: the output of the shown samples`);
  assert.deepEqual(split.perTimestepLoss, whole.perTimestepLoss, `${label}: the shown per-timestep loss`);
  assert.deepEqual(
    split.layers.map((l) => [l.mask, l.maskSummary, l.maskShape, l.output]),
    whole.layers.map((l) => [l.mask, l.maskSummary, l.maskShape, l.output]),
    `${label}: layer masks, counts and outputs`,
  );
  assert.deepEqual(split.data, whole.data, `${label}: data information and findings`);
  assert.deepEqual(new Set(split.warnings), new Set(whole.warnings), `${label}: warnings and notes`);
  assert.deepEqual(split.tensors, whole.tensors, `${label}: tensors`);
  // Sums: within 1e-12 relative.
  return assertClose(split, whole, label);
}

const cases: { samples: number; padding: 'pre' | 'post'; buckets: boolean; workers: number }[] = [
  { samples: 300, padding: 'post', buckets: false, workers: 2 },
  { samples: 1001, padding: 'pre', buckets: false, workers: 3 },
  { samples: 2100, padding: 'post', buckets: true, workers: 2 },
  { samples: 2600, padding: 'pre', buckets: true, workers: 2 },
];

for (const c of cases) {
  test(`${c.samples} samples, ${c.padding}-padded, length buckets ${c.buckets ? 'on' : 'off'}, ${c.workers} shards: equal to one pass`, async () => {
    const previous = process.env.MASKLENS_LENGTH_BUCKETS;
    process.env.MASKLENS_LENGTH_BUCKETS = c.buckets ? '1' : '0';
    try {
      const paths = files(`${c.samples}-${c.padding}`, c.samples, c.samples, c.padding);
      const request = {
        kind: 'evaluate' as const,
        model: { name: 'tagger', config: tagger, training },
        data: { source: 'file' as const, x: paths.x, y: paths.y, sampleWeight: paths.w },
        samplesShown: 40,
      };
      const whole = await runTask(request, ctx);
      const { result, ranges } = await sharded(request, c.workers);
      assert.ok(ranges.length >= 2, `split into ${ranges.length}`);
      assert.ok(
        ranges.every((r, i) => i === ranges.length - 1 || r.end % 32 === 0),
        `cuts at multiples of the batch size: ${JSON.stringify(ranges)}`,
      );
      assert.equal(whole.metrics.length, 4, 'mae, accuracy, auc, weighted mse');
      const moved = assertSame(result, whole, `${c.samples} ${c.padding}`);
      process.stdout.write(
        `# ${c.samples} samples in ${ranges.map((r) => `${r.start}-${r.end}`).join(', ')}: ${moved} numbers moved in the last bits\n`,
      );
    } finally {
      if (previous === undefined) delete process.env.MASKLENS_LENGTH_BUCKETS;
      else process.env.MASKLENS_LENGTH_BUCKETS = previous;
    }
  });
}

test('too few samples: shard 0 evaluates all of them alone, and the result is the one-pass result', async () => {
  const paths = files('small', 100, 5, 'post');
  const request = {
    kind: 'evaluate' as const,
    model: { name: 'tagger', config: tagger, training },
    data: { source: 'file' as const, x: paths.x, y: paths.y, sampleWeight: paths.w },
  };
  const whole = await runTask(request, ctx);
  const { result, ranges } = await sharded(request, 2);
  assert.deepEqual(ranges, [{ start: 0, end: 100 }]);
  assert.equal(assertSame(result, whole, 'small'), 0, 'one shard: every number the same');
});

test('a Metric subclass keeps the evaluation on one worker, and the result says why', async () => {
  const source = [
    'import numpy as np',
    'import tensorflow as tf',
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    'class Hits(keras.metrics.Metric):',
    '    def __init__(self, name="hits", **kwargs):',
    '        super().__init__(name=name, **kwargs)',
    '        self.total = self.add_weight(name="total", initializer="zeros")',
    '    def update_state(self, y_true, y_pred, sample_weight=None):',
    '        self.total.assign_add(tf.reduce_sum(y_pred))',
    '    def result(self):',
    '        return self.total',
    'm = keras.Sequential([layers.Input(shape=(4,)), layers.Embedding(5, 3, mask_zero=True), layers.LSTM(2, return_sequences=True), layers.Dense(3, activation="softmax")])',
    "m.compile('adam', 'sparse_categorical_crossentropy', metrics=[Hits()])",
    '',
  ].join('\n');
  const ir = modelOf(await analyze(source), 'm').ir;
  const rng = new Rng(11);
  const n = 2000;
  const x = Array.from({ length: n * 4 }, (_, i) => (i % 4 < 2 ? 1 + Math.floor(rng.next() * 4) : 0));
  const y = Array.from({ length: n * 4 }, () => Math.floor(rng.next() * 3));
  const request = {
    kind: 'evaluate' as const,
    model: runtimeModelOf(ir),
    data: { source: 'inline' as const, x: arr([n, 4], x), y: arr([n, 4], y) },
  };
  const whole = await runTask(request, ctx);
  const { result, ranges } = await sharded(request, 2);
  assert.deepEqual(ranges, [{ start: 0, end: n }]);
  assert.ok(
    result.warnings.some((w) => /^evaluated on one worker: metric 'hits' is a Metric subclass/.test(w)),
    result.warnings.join('\n'),
  );
  assert.deepEqual(result.metrics, whole.metrics);
  assert.deepEqual(result.lossValues, whole.lossValues);
});
