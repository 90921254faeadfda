/**
 * W7: a BiLSTM tagger (bench/models/w7_bilstm_tagger.py) evaluated on 25,000 post-padded token
 * sequences of realistic lengths (mean about 230 steps, at most 500; bench/keras/w7_evaluate.py
 * makes them, seeded), from `.npy` files on both sides, starting from the same weights. MaskLens
 * runs in fresh runtime processes through the client the extension uses (bench/harness/
 * freshEvaluate.ts): with the extension's pool in length buckets (the row), with
 * MASKLENS_LENGTH_BUCKETS=0 (every timestep) and on one worker (both in the notes); Keras runs
 * model.evaluate(batch_size=32) in a fresh Python process. One run per side: each is long.
 */
import { join } from 'node:path';
import type { BenchContext } from '../harness/context';
import { freshEvaluate, type FreshRun } from '../harness/freshEvaluate';
import { kerasOnBothBackends, runKerasScript } from '../harness/kerasScript';
import { kerasWeightsFor, loadModel } from '../harness/masklens';
import { compared, type Row } from '../harness/results';

/** BENCH_W7_SAMPLES=25000 (the default) sets the number of sequences. */
function samples(): number {
  const n = Number(process.env.BENCH_W7_SAMPLES ?? '25000');
  return Number.isInteger(n) && n > 0 ? n : 25000;
}

const MB = 1024 * 1024;
const mb = (bytes: number | null | undefined): string => (bytes ? (bytes / MB).toFixed(0) : '?');

export async function bucketedEvaluateWorkload(ctx: BenchContext): Promise<Row[]> {
  const n = samples();
  ctx.log(`  W7: writing ${n.toLocaleString('en-US')} sequences and the initial weights`);
  const made = runKerasScript(ctx, 'w7_evaluate.py', ['make', ctx.dataDir, String(n)]) as {
    x: string;
    y: string;
    weights: string;
    mean_length: number;
    max_length: number;
  };
  const { model } = await loadModel(join(ctx.root, 'bench/models/w7_bilstm_tagger.py'));
  const weights = { source: 'inline' as const, layers: kerasWeightsFor(model, made.weights) };
  const data = { source: 'file' as const, x: made.x, y: made.y };
  let bucketed: FreshRun | null = null;
  let whole: FreshRun | null = null;
  let single: FreshRun | null = null;
  let masklensError: string | null = null;
  try {
    ctx.log('  W7: MaskLens in length buckets');
    bucketed = await freshEvaluate(ctx, 0, model, weights.layers, data);
    ctx.log('  W7: MaskLens over every timestep');
    whole = await freshEvaluate(ctx, 0, model, weights.layers, data, { MASKLENS_LENGTH_BUCKETS: '0' });
    ctx.log('  W7: MaskLens in length buckets on one worker');
    single = await freshEvaluate(ctx, 1, model, weights.layers, data);
  } catch (error) {
    masklensError = error instanceof Error ? error.message : String(error);
  }
  ctx.log(`  W7: Keras (TensorFlow, then JAX) on ${n.toLocaleString('en-US')} sequences`);
  const keras = kerasOnBothBackends(ctx, 'w7_evaluate.py', ['evaluate', ctx.dataDir, String(n)]);
  const masklens = bucketed
    ? {
        metrics: { ms: [bucketed.ms], ...(bucketed.peak ? { peakRssBytes: [bucketed.peak] } : {}) },
        error: null,
      }
    : { metrics: {}, error: masklensError ?? 'not run' };
  const c = compared({ masklens, ...keras.sides }, 'ms');
  const fellBack = bucketed?.warnings.find((w) => w.startsWith('evaluated every timestep'));
  const notes = [
    `lengths: mean ${made.mean_length.toFixed(1)}, max ${made.max_length} of 500 steps (post-padded with 0)`,
    `MaskLens over every timestep (MASKLENS_LENGTH_BUCKETS=0): ${whole ? `${(whole.ms / 1000).toFixed(1)} s` : '?'}; in length buckets ${bucketed ? `${(bucketed.ms / 1000).toFixed(1)} s` : '?'}${fellBack ? ` (${fellBack})` : ''}`,
    `losses: MaskLens ${bucketed?.loss?.toPrecision(7) ?? '?'} (every timestep ${whole?.loss?.toPrecision(7) ?? '?'}), Keras ${keras.runs.keras?.loss.toPrecision(7) ?? '?'} (TensorFlow), ${keras.runs['keras-jax']?.loss.toPrecision(7) ?? '?'} (JAX)`,
    `peak resident memory: MaskLens runtime process ${mb(bucketed?.peak)} MB; Keras' Python process ${mb(keras.runs.keras?.peak)} MB (TensorFlow), ${mb(keras.runs['keras-jax']?.peak)} MB (JAX)`,
    `MaskLens: the extension's pool (2 workers of 1 TensorFlow thread each; this evaluation ran on ${bucketed?.sharedBy ?? '?'}), timed after a warm-up evaluate of 32 synthetic samples in the same fresh runtime process; Keras: np.load then model.evaluate(batch_size=32), after one traced batch`,
    `MaskLens in length buckets on one worker with both TensorFlow threads: ${single ? `${(single.ms / 1000).toFixed(1)} s, peak ${mb(single.peak)} MB` : '?'}`,
    `MaskLens from starting its runtime process (warm-up included): ${bucketed ? `${(bucketed.coldMs / 1000).toFixed(2)} s` : '?'}`,
  ];
  return [
    {
      workload: 'W7',
      measure: `evaluate a BiLSTM tagger on ${n.toLocaleString('en-US')} sequences`,
      how: `${n} token sequences (Embedding 10,000 x 128, mask_zero; Bidirectional LSTM 64; Dense 17 softmax), fresh processes on both sides. MaskLens: task wall time through the runtime client, after a warm-up task; Keras: one model.evaluate() call, after a traced batch`,
      ...c,
      target: { text: '<= 0.5x the faster Keras', met: c.ratio !== null ? c.ratio <= 0.5 : null },
      notes,
    },
  ];
}
