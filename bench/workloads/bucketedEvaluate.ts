/**
 * W7: a BiLSTM tagger (bench/models/w7_bilstm_tagger.py) evaluated on 25,000 post-padded token
 * sequences of realistic lengths (mean about 230 steps, at most 500; bench/keras/w7_evaluate.py
 * makes them, seeded), from `.npy` files on both sides, starting from the same weights. MaskLens
 * runs in a fresh runtime process through the client the extension uses, once in length buckets
 * (the row) and once with MASKLENS_LENGTH_BUCKETS=0 (every timestep, in the notes); Keras runs
 * model.evaluate(batch_size=32) in a fresh Python process. One run per side: each is long.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeClient } from '../../src/runtimeProcess/client';
import type { BenchContext } from '../harness/context';
import { kerasWeightsFor, loadModel, timedRun } from '../harness/masklens';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';

/** BENCH_W7_SAMPLES=25000 (the default) sets the number of sequences. */
function samples(): number {
  const n = Number(process.env.BENCH_W7_SAMPLES ?? '25000');
  return Number.isInteger(n) && n > 0 ? n : 25000;
}

function python(ctx: BenchContext, args: string[]): Record<string, unknown> {
  const run = spawnSync(ctx.python, [join(ctx.root, 'bench', 'keras', 'w7_evaluate.py'), ...args], {
    cwd: join(ctx.root, 'bench', 'keras'),
    env: ctx.env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`w7_evaluate.py ${args[0]}: ${run.stderr.split('\n').slice(-6).join('\n')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

/** The peak resident memory of a process so far (Linux: VmHWM), in bytes. */
function peakRss(pid: number): number | null {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

const MB = 1024 * 1024;

interface MaskLensRun {
  ms: number;
  loss: number | null;
  peak: number | null;
  warnings: string[];
}

export async function bucketedEvaluateWorkload(ctx: BenchContext): Promise<Row[]> {
  const n = samples();
  ctx.log(`  W7: writing ${n.toLocaleString('en-US')} sequences and the initial weights`);
  const made = python(ctx, ['make', ctx.dataDir, String(n)]) as {
    x: string;
    y: string;
    weights: string;
    mean_length: number;
    max_length: number;
  };
  const { model } = await loadModel(join(ctx.root, 'bench/models/w7_bilstm_tagger.py'));
  const weights = { source: 'inline' as const, layers: kerasWeightsFor(model, made.weights) };
  const run = async (buckets: boolean): Promise<MaskLensRun> => {
    const runtime = new RuntimeClient({
      runtimeFile: join(ctx.root, 'dist', 'runtime.js'),
      settings: { workers: 1, maxQueue: 4, memoryCapMB: 2048 },
      env: { ...ctx.env, MASKLENS_LENGTH_BUCKETS: buckets ? '1' : '0' },
    });
    try {
      const r = await timedRun(runtime, {
        kind: 'evaluate' as const,
        model,
        data: { source: 'file' as const, x: made.x, y: made.y },
        weights,
        layerOutputs: false,
      });
      const pid = runtime.pid;
      return {
        ms: r.wallMs,
        loss: r.result.loss?.keras.value ?? null,
        peak: pid ? peakRss(pid) : null,
        warnings: r.result.warnings,
      };
    } finally {
      await runtime.close();
    }
  };
  let bucketed: MaskLensRun | null = null;
  let whole: MaskLensRun | null = null;
  let masklensError: string | null = null;
  try {
    ctx.log('  W7: MaskLens in length buckets');
    bucketed = await run(true);
    ctx.log('  W7: MaskLens over every timestep');
    whole = await run(false);
  } catch (error) {
    masklensError = error instanceof Error ? error.message : String(error);
  }
  ctx.log(`  W7: Keras on ${n.toLocaleString('en-US')} sequences`);
  let keras: { ms: number; loss: number; peak: number } | null = null;
  let kerasError: string | null = null;
  try {
    const k = python(ctx, ['evaluate', ctx.dataDir, String(n)]);
    keras = { ms: Number(k.seconds) * 1000, loss: Number(k.loss), peak: Number(k.peak_rss_bytes) };
  } catch (error) {
    kerasError = error instanceof Error ? error.message : String(error);
  }
  const ratio = bucketed && keras ? bucketed.ms / keras.ms : null;
  const fellBack = bucketed?.warnings.find((w) => w.startsWith('evaluated every timestep'));
  const notes = [
    `lengths: mean ${made.mean_length.toFixed(1)}, max ${made.max_length} of 500 steps (post-padded with 0)`,
    `MaskLens over every timestep (MASKLENS_LENGTH_BUCKETS=0): ${whole ? `${(whole.ms / 1000).toFixed(1)} s` : '?'}; in length buckets ${bucketed ? `${(bucketed.ms / 1000).toFixed(1)} s` : '?'}${fellBack ? ` (${fellBack})` : ''}`,
    `losses: MaskLens ${bucketed?.loss?.toPrecision(7) ?? '?'} (every timestep ${whole?.loss?.toPrecision(7) ?? '?'}), Keras ${keras?.loss.toPrecision(7) ?? '?'}`,
    `peak resident memory: MaskLens runtime process ${bucketed?.peak ? (bucketed.peak / MB).toFixed(0) : '?'} MB; Keras' Python process ${keras ? (keras.peak / MB).toFixed(0) : '?'} MB`,
    'MaskLens: one worker; Keras: np.load then model.evaluate(batch_size=32), after one traced batch',
  ];
  return [
    {
      workload: 'W7',
      measure: `evaluate a BiLSTM tagger on ${n.toLocaleString('en-US')} sequences`,
      how: `${n} token sequences (Embedding 10,000 x 128, mask_zero; Bidirectional LSTM 64; Dense 17 softmax), fresh processes on both sides. MaskLens: task wall time through the runtime client; Keras: one model.evaluate() call`,
      masklens: side(bucketed ? [bucketed.ms] : undefined, masklensError, summarize),
      keras: side(keras ? [keras.ms] : undefined, kerasError, summarize),
      ratio,
      target: { text: '<= 0.5x Keras', met: ratio !== null ? ratio <= 0.5 : null },
      notes,
    },
  ];
}
