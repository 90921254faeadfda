/**
 * W6: seed 002's model evaluated over `.npy` files of 362 x 24 float32 sequences at two data
 * sizes, time and peak resident memory on both sides, to show whether memory stays flat as the
 * data grows. Each size runs in fresh processes on both sides, since a process's peak memory
 * only ever grows: MaskLens in a new runtime process (which hosts the pool's worker threads),
 * through the client the extension uses, reading the files by rows, with the extension's pool
 * (the row) and on one worker (the notes: bench/harness/freshEvaluate.ts); Keras in a new Python
 * process (bench/keras/w6_evaluate.py: np.load(mmap_mode='r') and model.evaluate, batch size
 * 32). Both start from the same initial weights, and both are timed after a warm-up: Keras traces
 * one batch, MaskLens runs the model once on 32 synthetic samples. One run per side and size.
 */
import { join } from 'node:path';
import type { SideSamples } from '../harness/alternate';
import type { BenchContext } from '../harness/context';
import { w1ForwardPerSample } from '../harness/flops';
import { freshEvaluate, type FreshRun } from '../harness/freshEvaluate';
import { kerasOnBothBackends, runKerasScript } from '../harness/kerasScript';
import { kerasWeightsFor, loadModel } from '../harness/masklens';
import { compared, type Row } from '../harness/results';

/** BENCH_W6_SIZES=5000,20000 (the default) sets the data sizes. */
function sizes(): number[] {
  const given = (process.env.BENCH_W6_SIZES ?? '5000,20000').split(',').map(Number);
  return given.filter((n) => Number.isInteger(n) && n > 0);
}

const MB = 1024 * 1024;
const mb = (bytes: number | null | undefined): string => (bytes ? (bytes / MB).toFixed(0) : '?');

export async function streamEvaluateWorkload(ctx: BenchContext): Promise<Row[]> {
  await ctx.keras(); // writes the initial weights both sides start from
  const weightsPath = join(ctx.dataDir, 'w1_weights.json');
  const { model } = await loadModel(join(ctx.root, 'bench/models/w1_seed002.py'));
  const weights = { source: 'inline' as const, layers: kerasWeightsFor(model, weightsPath) };
  const rows: Row[] = [];
  for (const samples of sizes()) {
    ctx.log(`  W6: writing ${samples.toLocaleString('en-US')} samples`);
    const files = runKerasScript(ctx, 'w6_evaluate.py', ['make', ctx.dataDir, String(samples)]) as {
      x: string;
      y: string;
    };
    const data = { source: 'file' as const, x: files.x, y: files.y };
    let pooled: FreshRun | null = null;
    let single: FreshRun | null = null;
    let masklens: SideSamples;
    try {
      pooled = await freshEvaluate(ctx, 0, model, weights.layers, data);
      single = await freshEvaluate(ctx, 1, model, weights.layers, data);
      masklens = {
        metrics: { ms: [pooled.ms], ...(pooled.peak ? { peakRssBytes: [pooled.peak] } : {}) },
        error: null,
      };
    } catch (error) {
      masklens = { metrics: {}, error: error instanceof Error ? error.message : String(error) };
    }
    ctx.log(`  W6: Keras (TensorFlow, then JAX) on ${samples.toLocaleString('en-US')} samples`);
    const keras = kerasOnBothBackends(ctx, 'w6_evaluate.py', ['evaluate', ctx.dataDir, String(samples), weightsPath]);
    const c = compared({ masklens, ...keras.sides }, 'ms');
    const peak = c.peakRss?.masklens ?? null;
    const notes = [
      `peak resident memory: MaskLens runtime process (its worker threads included) ${mb(peak)} MB; Keras' Python process ${mb(keras.runs.keras?.peak)} MB (TensorFlow), ${mb(keras.runs['keras-jax']?.peak)} MB (JAX); data ${((samples * 362 * 24 * 4) / MB).toFixed(0)} MB of x`,
      `losses: MaskLens ${pooled?.loss?.toPrecision(7) ?? '?'}, Keras ${keras.runs.keras?.loss.toPrecision(7) ?? '?'} (TensorFlow), ${keras.runs['keras-jax']?.loss.toPrecision(7) ?? '?'} (JAX)`,
      `MaskLens: the extension's pool (2 workers of 1 TensorFlow thread each; this evaluation ran on ${pooled?.sharedBy ?? '?'}), timed after a warm-up evaluate of 32 synthetic samples in the same fresh runtime process; Keras: np.load(mmap_mode="r") then model.evaluate(batch_size=32), after one traced batch`,
      `MaskLens on one worker with both TensorFlow threads: ${single ? `${(single.ms / 1000).toFixed(2)} s, peak ${mb(single.peak)} MB` : '?'}`,
      `MaskLens from starting its runtime process (warm-up included): ${pooled ? `${(pooled.coldMs / 1000).toFixed(2)} s` : '?'}`,
    ];
    rows.push({
      workload: 'W6',
      measure: `evaluate ${samples.toLocaleString('en-US')} samples from .npy`,
      how: `${samples} samples of 362 x 24 float32, fresh processes on both sides. MaskLens: task wall time through the runtime client, after a warm-up task; Keras: one model.evaluate() call, after a traced batch`,
      ...c,
      target: {
        text: '<= 0.5x the faster Keras, peak < 600 MB',
        met: c.ratio !== null && peak ? c.ratio <= 0.5 && peak < 600 * MB : null,
      },
      flops: w1ForwardPerSample() * samples,
      notes,
    });
  }
  return rows;
}
