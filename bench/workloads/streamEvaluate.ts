/**
 * W6: seed 002's model evaluated over `.npy` files of 362 x 24 float32 sequences at two data
 * sizes, time and peak resident memory on both sides, to show whether memory stays flat as the
 * data grows. Each size runs in fresh processes on both sides, since a process's peak memory
 * only ever grows: MaskLens in a new runtime process (which hosts the pool's worker threads),
 * through the client the extension uses, reading the files by rows; Keras in a new Python
 * process (bench/keras/w6_evaluate.py: np.load(mmap_mode='r') and model.evaluate, batch size
 * 32). Both start from the same initial weights. One run per side and size: each is long.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeClient } from '../../src/runtimeProcess/client';
import type { BenchContext } from '../harness/context';
import { w1ForwardPerSample } from '../harness/flops';
import { kerasWeightsFor, loadModel, timedRun } from '../harness/masklens';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';

/** BENCH_W6_SIZES=5000,20000 (the default) sets the data sizes. */
function sizes(): number[] {
  const given = (process.env.BENCH_W6_SIZES ?? '5000,20000').split(',').map(Number);
  return given.filter((n) => Number.isInteger(n) && n > 0);
}

function python(ctx: BenchContext, args: string[]): Record<string, unknown> {
  const run = spawnSync(ctx.python, [join(ctx.root, 'bench', 'keras', 'w6_evaluate.py'), ...args], {
    cwd: join(ctx.root, 'bench', 'keras'),
    env: ctx.env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`w6_evaluate.py ${args[0]}: ${run.stderr.split('\n').slice(-6).join('\n')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

/** The peak resident memory of a process so far (Linux: VmHWM), in bytes. */
function peakRss(pid: number): number | null {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

const MB = 1024 * 1024;

export async function streamEvaluateWorkload(ctx: BenchContext): Promise<Row[]> {
  await ctx.keras(); // writes the initial weights both sides start from
  const weightsPath = join(ctx.dataDir, 'w1_weights.json');
  const { model } = await loadModel(join(ctx.root, 'bench/models/w1_seed002.py'));
  const weights = { source: 'inline' as const, layers: kerasWeightsFor(model, weightsPath) };
  const rows: Row[] = [];
  for (const samples of sizes()) {
    ctx.log(`  W6: writing ${samples.toLocaleString('en-US')} samples`);
    const files = python(ctx, ['make', ctx.dataDir, String(samples)]) as { x: string; y: string };
    const runtime = new RuntimeClient({
      runtimeFile: join(ctx.root, 'dist', 'runtime.js'),
      settings: { workers: 1, maxQueue: 4, memoryCapMB: 2048 },
      env: ctx.env,
    });
    let masklens: { ms: number; loss: number | null; peak: number | null } | null = null;
    let masklensError: string | null = null;
    try {
      const request = {
        kind: 'evaluate' as const,
        model,
        data: { source: 'file' as const, x: files.x, y: files.y },
        weights,
        layerOutputs: false,
      };
      const r = await timedRun(runtime, request);
      const pid = runtime.pid;
      masklens = { ms: r.wallMs, loss: r.result.loss?.keras.value ?? null, peak: pid ? peakRss(pid) : null };
    } catch (error) {
      masklensError = error instanceof Error ? error.message : String(error);
    } finally {
      await runtime.close();
    }
    ctx.log(`  W6: Keras on ${samples.toLocaleString('en-US')} samples`);
    let keras: { ms: number; loss: number; peak: number } | null = null;
    let kerasError: string | null = null;
    try {
      const k = python(ctx, ['evaluate', ctx.dataDir, String(samples), weightsPath]);
      keras = { ms: Number(k.seconds) * 1000, loss: Number(k.loss), peak: Number(k.peak_rss_bytes) };
    } catch (error) {
      kerasError = error instanceof Error ? error.message : String(error);
    }
    const ratio = masklens && keras ? masklens.ms / keras.ms : null;
    const notes = [
      `peak resident memory: MaskLens runtime process (its worker threads included) ${masklens?.peak ? (masklens.peak / MB).toFixed(0) : '?'} MB; Keras' Python process ${keras ? (keras.peak / MB).toFixed(0) : '?'} MB; data ${((samples * 362 * 24 * 4) / MB).toFixed(0)} MB of x`,
      `losses: MaskLens ${masklens?.loss?.toPrecision(7) ?? '?'}, Keras ${keras?.loss.toPrecision(7) ?? '?'}`,
      'MaskLens: one worker; Keras: np.load(mmap_mode="r") then model.evaluate(batch_size=32), after one traced batch',
    ];
    rows.push({
      workload: 'W6',
      measure: `evaluate ${samples.toLocaleString('en-US')} samples from .npy`,
      how: `${samples} samples of 362 x 24 float32, fresh processes on both sides. MaskLens: task wall time through the runtime client; Keras: one model.evaluate() call`,
      masklens: side(masklens ? [masklens.ms] : undefined, masklensError, summarize),
      keras: side(keras ? [keras.ms] : undefined, kerasError, summarize),
      ratio,
      target: {
        text: '<= 0.5x Keras, peak < 600 MB',
        met: ratio !== null && masklens?.peak ? ratio <= 0.5 && masklens.peak < 600 * MB : null,
      },
      flops: w1ForwardPerSample() * samples,
      notes,
    });
  }
  return rows;
}
