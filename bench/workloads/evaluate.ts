/**
 * Evaluate latency through an already started pool (W1 evaluate on 25 samples, in the
 * harness's process) or runtime process (W2 warm: as the extension sends it, over IPC to the
 * process that hosts the pool) against a warm Keras model.evaluate() on the same arrays and
 * initial weights. The losses of both sides are recorded too: equal losses show both ran the
 * same model on the same data.
 */
import { join } from 'node:path';
import { alternate, type Metrics } from '../harness/alternate';
import type { BenchContext } from '../harness/context';
import { kerasWeightsFor, loadModel, timedRun } from '../harness/masklens';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';
import type { DataSpec } from '../../src/core/protocol/runtimeTasks';

export interface EvaluateSpec {
  workload: 'W1' | 'W2';
  key: 'w1' | 'w2';
  measure: string;
  /** The file MaskLens analyses. */
  source: string;
  /** Data files; absent: the arrays the source writes (seed 001), as the extension uses them. */
  files?: { x: string; y: string };
  samples: number;
  forwardFlopsPerSample: number;
  target?: { text: string; maxMs: number };
  /** `runtime process`: through the client the extension uses; `pool`: the pool in this process. */
  via: 'runtime process' | 'pool';
}

export async function evaluateWorkload(ctx: BenchContext, spec: EvaluateSpec): Promise<Row[]> {
  const runner = spec.via === 'runtime process' ? await ctx.runtime() : await ctx.pool();
  const keras = await ctx.keras();
  const { model, inline } = await loadModel(join(ctx.root, spec.source));
  const data: DataSpec | null = spec.files
    ? { source: 'file', x: join(ctx.dataDir, `${spec.files.x}.npy`), y: join(ctx.dataDir, `${spec.files.y}.npy`) }
    : inline;
  if (!data) throw new Error(`${spec.source}: no data written in the source`);
  const request = {
    kind: 'evaluate' as const,
    model,
    data,
    weights: {
      source: 'inline' as const,
      layers: kerasWeightsFor(model, join(ctx.dataDir, `${spec.key}_weights.json`)),
    },
    layerOutputs: false,
  }; // as the extension asks
  const losses: { masklens: number | null; keras: number | null } = { masklens: null, keras: null };
  const runMaskLens = async (): Promise<Metrics> => {
    const r = await timedRun(runner, request);
    losses.masklens = r.result.loss?.keras.value ?? null;
    return { wallMs: r.wallMs, inTaskMs: r.result.elapsedMs };
  };
  const runKeras = async (): Promise<Metrics> => {
    const r = await keras.request('evaluate', { workload: spec.key });
    losses.keras = Number(r.loss);
    return { wallMs: Number(r.seconds) * 1000 };
  };
  ctx.log('  warm-up (excluded): one MaskLens evaluate task; Keras traces its evaluate function on its first call');
  await runMaskLens().catch(() => undefined); // a failure shows again, and is recorded, in the timed runs
  const got = await alternate(
    [
      { side: 'masklens', run: runMaskLens },
      { side: 'keras', run: runKeras },
    ],
    ctx.policy,
    ctx.log,
  );
  const m = summarize(got.masklens.metrics.wallMs ?? []);
  const k = summarize(got.keras.metrics.wallMs ?? []);
  const notes: string[] = [];
  if (losses.masklens !== null && losses.keras !== null) {
    const rel = Math.abs(losses.masklens - losses.keras) / Math.max(1e-12, Math.abs(losses.keras));
    notes.push(
      `same-arithmetic check: loss MaskLens ${losses.masklens.toPrecision(7)}, Keras ${losses.keras.toPrecision(7)} (relative difference ${rel.toExponential(1)})`,
    );
  }
  const inTask = summarize(got.masklens.metrics.inTaskMs ?? []);
  if (inTask) {
    const hop = spec.via === 'runtime process' ? 'the hop to the runtime process and back over IPC, ' : '';
    notes.push(
      `MaskLens time inside the worker (build + evaluate + result): median ${inTask.median.toFixed(1)} ms; the rest is ${hop}request validation, transfer and result validation`,
    );
  }
  return [
    {
      workload: spec.workload,
      measure: spec.measure,
      how: `${spec.samples} sample(s). MaskLens: ${spec.via === 'runtime process' ? "task wall time through the extension's runtime client (submit → runtime process → pool → validated result back in the caller" : 'pool task wall time (submit → validated result'}, per-layer masks and every reduction included); Keras: one warm model.evaluate() call`,
      masklens: side(got.masklens.metrics.wallMs, got.masklens.error, summarize),
      keras: side(got.keras.metrics.wallMs, got.keras.error, summarize),
      ratio: m && k ? m.median / k.median : null,
      target: spec.target ? { text: spec.target.text, met: m ? m.median < spec.target.maxMs : null } : null,
      flops: spec.forwardFlopsPerSample * spec.samples,
      notes,
    },
  ];
}
