/**
 * Evaluation over `.npy` files read by rows, a chunk at a time: every number equal to the same
 * data held whole, cancellation between chunks leaving no tensor behind, a file cut short in
 * the middle refused with one located sentence, and a bound on what a chunk reads that does
 * not grow with the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { DataError } from '../../src/core/data/errors';
import { writeNpy } from '../../src/core/data/npy';
import { TaskCancelledError } from '../../src/core/protocol/task';
import { LossSums, sampleSums } from '../../src/core/runtime/lossSums';
import { runTask } from '../../src/worker/registry';
import { KerasEvaluateStream, kerasEvaluateLoss } from '../../src/worker/reductions';
import { openNpyRows } from '../../src/worker/npyFile';
import { evaluate } from '../../src/worker/evaluation';
import { loadTf } from '../../src/worker/tf';
import { Rng } from '../../src/core/data/random';
import { arr, assertSameEvaluation, ctx, fileSession, layer, readCounts, sequential } from './helpers';

const { tf } = loadTf();
const dir = mkdtempSync(join(tmpdir(), 'masklens-stream-'));
const trusted = { mode: 'trusted' as const };

const STEPS = 12;
const FEATURES = 3;
const model = sequential(
  [STEPS, FEATURES],
  [
    layer('Masking', { mask_value: 0 }),
    layer('LSTM', { units: 5, return_sequences: true }),
    layer('Dense', { units: 2 }),
  ],
);

/** Post-padded sequences of random lengths (some of none), targets and per-sample weights, seeded. */
function dataset(samples: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(samples * STEPS * FEATURES);
  const y = new Float32Array(samples * STEPS * 2);
  const w = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const length = Math.floor(rng.next() * (STEPS + 1));
    for (let t = 0; t < length; t++)
      for (let f = 0; f < FEATURES; f++) x[(s * STEPS + t) * FEATURES + f] = rng.next() * 2 - 1 || 0.5;
    for (let i = 0; i < STEPS * 2; i++) y[s * STEPS * 2 + i] = rng.next();
    w[s] = 0.25 + rng.next();
  }
  return { x, y, w };
}

function files(name: string, samples: number, seed: number) {
  const d = dataset(samples, seed);
  const paths = { x: join(dir, `${name}-x.npy`), y: join(dir, `${name}-y.npy`), w: join(dir, `${name}-w.npy`) };
  writeFileSync(paths.x, writeNpy({ shape: [samples, STEPS, FEATURES], data: d.x }));
  writeFileSync(paths.y, writeNpy({ shape: [samples, STEPS, 2], data: d.y }));
  writeFileSync(paths.w, writeNpy({ shape: [samples, 1], data: d.w }));
  return { ...d, paths };
}

// 700 samples: three chunks of at most 256, and Keras batches of 48 that straddle the chunks' edges.
const SAMPLES = 700;
const big = files('big', SAMPLES, 7);
const training = { loss: 'mse', batchSize: 48, metrics: ['mae'] };

test('streamed from .npy files: every reduction, the Keras figure, metrics and shown rows equal the data held whole', async () => {
  const base = { kind: 'evaluate' as const, model: { name: 'm', config: model, training }, samplesShown: 9 };
  const streamed = await runTask(
    { ...base, data: { source: 'file', x: big.paths.x, y: big.paths.y, sampleWeight: big.paths.w }, access: trusted },
    ctx,
  );
  const whole = await runTask(
    {
      ...base,
      data: {
        source: 'inline',
        x: arr([SAMPLES, STEPS, FEATURES], Array.from(big.x)),
        y: arr([SAMPLES, STEPS, 2], Array.from(big.y)),
        sampleWeight: arr([SAMPLES, 1], Array.from(big.w)),
      },
    },
    ctx,
  );
  assertSameEvaluation(streamed, whole);
  assert.equal(streamed.caps.samples.total, SAMPLES);
  assert.deepEqual(streamed.outputShape, [SAMPLES, STEPS, 2]);
});

test('the streamed sums equal one pass over all the data: LossSums and the Keras figure, wherever the chunks are cut', () => {
  const rng = new Rng(3);
  const samples = 300;
  const inner = 7;
  const L = Float64Array.from({ length: samples * inner }, () => rng.next() * 4);
  const M = Float64Array.from({ length: samples * inner }, () => (rng.next() < 0.6 ? 1 : 0));
  const W = Float64Array.from({ length: samples }, () => rng.next());
  const Wfull = Float64Array.from({ length: samples * inner }, (_, i) => W[Math.floor(i / inner)]);
  const once = new LossSums();
  for (let s = 0; s < samples; s++) once.add(sampleSums(s, inner, L, M, Wfull, M));
  // By hand, in float64: valid-mean is Σ L·w·m / Σ m.
  let kept = 0;
  let valid = 0;
  for (let i = 0; i < L.length; i++) {
    kept += L[i] * Wfull[i] * M[i];
    valid += M[i];
  }
  assert.ok(Math.abs(once.reductions()['valid-mean'] - kept / valid) < 1e-12);
  const whole = kerasEvaluateLoss(
    'keras3',
    'sum_over_batch_size',
    { shape: [samples, inner], data: L },
    { shape: [samples, inner], data: M },
    { shape: [samples, 1], data: W },
    32,
  );
  for (const cuts of [[300], [1, 299], [31, 33, 236], [64, 64, 64, 64, 44], [257, 43]]) {
    const sums = new LossSums();
    const stream = new KerasEvaluateStream('keras3', 'sum_over_batch_size', 32);
    let start = 0;
    for (const size of cuts) {
      const part = (a: Float64Array, width: number) => a.slice(start * width, (start + size) * width);
      const l = part(L, inner);
      const m = part(M, inner);
      const w = part(Wfull, inner);
      for (let s = 0; s < size; s++) sums.add(sampleSums(s, inner, l, m, w, m));
      stream.add(
        { shape: [size, inner], data: l },
        { shape: [size, inner], data: m },
        {
          shape: [size, 1],
          data: part(W, 1),
        },
      );
      start += size;
    }
    assert.deepEqual(sums.reductions(), once.reductions(), `cuts ${cuts.join('+')}`);
    assert.equal(sums.paddingShare(), once.paddingShare());
    assert.equal(stream.value(), whole, `cuts ${cuts.join('+')}`);
  }
});

test('cancelled between chunks: the task stops, frees every tensor and closes its files', async () => {
  const before = tf.memory().numTensors;
  const fds = readdirSync('/proc/self/fd').length;
  let chunks = 0;
  const cancelling = {
    progress: (e: { type: string; message?: string }) => {
      if (e.type === 'progress' && e.message?.startsWith('evaluated')) chunks++;
    },
    cancelled: () => chunks >= 1,
  };
  await assert.rejects(
    runTask(
      {
        kind: 'evaluate',
        model: { name: 'm', config: model, training },
        data: { source: 'file', x: big.paths.x, y: big.paths.y },
        access: trusted,
      },
      cancelling,
    ),
    TaskCancelledError,
  );
  assert.equal(chunks, 1, 'it stopped at the chunk after the one that asked');
  assert.equal(tf.memory().numTensors, before);
  assert.equal(readdirSync('/proc/self/fd').length, fds);
});

test('a .npy file cut short: refused before a chunk runs, or where a read finds its end, in one located sentence', async () => {
  const short = join(dir, 'short-x.npy');
  const bytes = writeNpy({ shape: [SAMPLES, STEPS, FEATURES], data: big.x });
  writeFileSync(short, bytes.subarray(0, bytes.length - 1000));
  await assert.rejects(
    runTask(
      {
        kind: 'evaluate',
        model: { name: 'm', config: model, training },
        data: { source: 'file', x: short },
        access: trusted,
      },
      ctx,
    ),
    (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(
        e.message,
        `x (${short}): corrupt or truncated .npy file: shape (700, 12, 3) of <f4 needs 100800 bytes of data, the file holds 99800`,
      );
      assert.equal(e.location, `x (${short})`);
      return true;
    },
  );
  // Cut while it is being read (a download overwritten, a disk filling up): the read that finds the end says where.
  const cut = join(dir, 'cut-x.npy');
  writeFileSync(cut, bytes);
  const rows = openNpyRows(cut, trusted, 'x (cut-x.npy)');
  assert.ok(rows);
  try {
    rows.take([0, 1, 2]);
    const rowBytes = STEPS * FEATURES * 4;
    const headerBytes = bytes.length - SAMPLES * rowBytes;
    truncateSync(cut, headerBytes + 400 * rowBytes + 10);
    assert.throws(
      () => rows.take([398, 399, 400, 401]),
      (e: unknown) => {
        assert.ok(e instanceof DataError, String(e));
        assert.equal(
          e.message,
          `x (cut-x.npy): corrupt or truncated .npy file: it ends at byte ${(headerBytes + 400 * rowBytes + 10).toLocaleString('en-US')}, inside sample 400 of 700 (shape (700, 12, 3), <f4)`,
        );
        assert.equal(e.location, 'x (cut-x.npy)');
        return true;
      },
    );
  } finally {
    rows.close();
  }
});

test('memory stays bounded: a file far larger than a chunk is read one chunk at a time, and the plan does not grow with it', () => {
  const small = files('small', 300, 11);
  const large = files('large', 6000, 12);
  const plans = [small, large].map((f) => {
    const session = fileSession(model, training, f.paths, { kept: 16 });
    try {
      const e = evaluate(session, {
        shown: [0, 5, 299],
        caps: { samples: 16, timesteps: 64, features: 64 },
        recordLayers: true,
      });
      assert.equal(e.output.shape[0], 3, 'only the shown samples are kept');
      const x = session.data.x[0];
      assert.equal(x.whole, null, 'the file is read by rows');
      const rowBytes = STEPS * FEATURES * 4;
      const largestRead = 'largestRead' in x && typeof x.largestRead === 'number' ? x.largestRead : Infinity;
      assert.ok(largestRead <= session.plan.chunk * rowBytes, `read ${largestRead} bytes at once`);
      return session.plan;
    } finally {
      session.dispose();
    }
  });
  assert.ok(plans[1].chunk * STEPS * FEATURES * 4 * 10 < 6000 * STEPS * FEATURES * 4, 'the file is over ten chunks');
  assert.equal(plans[1].total, plans[0].total, 'what the task is planned to hold does not depend on the samples');
  assert.equal(plans[1].data, 0);
});

test("the data's checks ride on the evaluation's reads: each row of the file is read once, and the findings cover every row", () => {
  const samples = 600;
  const d = dataset(samples, 21);
  // NaN in a late chunk's row, and infinities in the targets: findings, counted over every row.
  d.x[(590 * STEPS + 2) * FEATURES + 1] = NaN;
  d.y[(450 * STEPS + 0) * 2] = Infinity;
  d.y[(451 * STEPS + 0) * 2] = -Infinity;
  const paths = { x: join(dir, 'checked-x.npy'), y: join(dir, 'checked-y.npy') };
  writeFileSync(paths.x, writeNpy({ shape: [samples, STEPS, FEATURES], data: d.x }));
  writeFileSync(paths.y, writeNpy({ shape: [samples, STEPS, 2], data: d.y }));
  const session = fileSession(model, training, paths);
  try {
    const before = session.data.x[0];
    const rowsRead = () => readCounts(before).rowsRead;
    // Building the model reads sample 0 once; nothing else is read before the evaluation.
    assert.equal(rowsRead(), 1);
    const e = evaluate(session, { shown: [0], caps: { samples: 4, timesteps: 64, features: 64 }, recordLayers: false });
    assert.equal(rowsRead(), 1 + samples, 'every row read once, by the evaluation');
    assert.deepEqual(session.data.info.nan, { x: 1, y: 0, sampleWeight: 0 });
    assert.deepEqual(session.data.info.inf, { x: 0, y: 2, sampleWeight: 0 });
    assert.ok(
      e.warnings.some((w) => w.startsWith('x: x holds 1 NaN value (first at [590, 2, 1])')),
      e.warnings.join('\n'),
    );
    assert.ok(e.warnings.some((w) => w.startsWith('y: y holds 2 infinite values (first at [450, 0, 0])')));
  } finally {
    session.dispose();
  }
});

test('a token id out of range in a late chunk of a streamed file is refused with its sample, and no tensor is left', async () => {
  const samples = 600;
  const tokens = new Float32Array(samples * STEPS).map((_, i) => 1 + (i % 7));
  tokens[577 * STEPS + 3] = 50;
  const path = join(dir, 'tokens-x.npy');
  writeFileSync(path, writeNpy({ shape: [samples, STEPS], data: tokens }));
  const tokenModel = sequential(
    [STEPS],
    [
      layer('Embedding', { input_dim: 10, output_dim: 4, mask_zero: true }),
      layer('LSTM', { units: 3, return_sequences: true }),
    ],
  );
  const before = tf.memory().numTensors;
  await assert.rejects(
    runTask(
      {
        kind: 'evaluate',
        model: { name: 'm', config: tokenModel, training: { loss: 'mse' } },
        data: { source: 'file', x: path },
        access: trusted,
      },
      ctx,
    ),
    (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /token id 50 at \[577, 3\] is outside Embedding/);
      return true;
    },
  );
  assert.equal(tf.memory().numTensors, before);
});

test(
  'one file as both inputs and targets (an autoencoder): its rows are checked for each role, once each',
  { timeout: 60_000 },
  async () => {
    const samples = 300;
    const x = dataset(samples, 31).x;
    x[(299 * STEPS + 1) * FEATURES] = NaN;
    const path = join(dir, 'both-x.npy');
    writeFileSync(path, writeNpy({ shape: [samples, STEPS, FEATURES], data: x }));
    const autoencoder = sequential(
      [STEPS, FEATURES],
      [
        layer('Masking', { mask_value: 0 }),
        layer('LSTM', { units: 4, return_sequences: true }),
        layer('Dense', { units: FEATURES }),
      ],
    );
    const r = await runTask(
      {
        kind: 'evaluate',
        model: { name: 'm', config: autoencoder, training: { loss: 'mse' } },
        data: { source: 'file', x: path, y: path },
        access: trusted,
      },
      ctx,
    );
    assert.deepEqual(r.data.nan, { x: 1, y: 1, sampleWeight: 0 });
    assert.ok(r.warnings.some((w) => w.startsWith('y: y holds 1 NaN value (first at [299, 1, 0])')));
  },
);
