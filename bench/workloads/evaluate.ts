/**
 * Evaluate latency through an already started pool (W1 evaluate on 25 samples, in the
 * harness's process) or runtime process (W2 warm: as the extension sends it, over IPC to the
 * process that hosts the pool) against a warm Keras model.evaluate() on the same arrays and
 * initial weights, on Keras' TensorFlow and JAX backends. The losses of every side are recorded
 * too: equal losses show all ran the same model on the same data. Peak RSS: the process that
 * runs the task (the harness's for the pool, the runtime process for W2 warm) and each Keras server.
 */
import { join } from 'node:path';
import { alternate, type Metrics } from '../harness/alternate';
import type { BenchContext } from '../harness/context';
import { kerasWeightsFor, loadModel, timedRun } from '../harness/masklens';
import type { KerasServer } from '../harness/keras';
import { withPeakRss } from '../harness/memory';
import { compared, type Row } from '../harness/results';
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
  const runtime = spec.via === 'runtime process' ? await ctx.runtime() : null;
  const runner = runtime ?? (await ctx.pool());
  const keras = await ctx.keras();
  const jax = await ctx.kerasJax().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
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
  const losses: Record<string, number | null> = { masklens: null, keras: null, 'keras-jax': null };
  const runMaskLens = async (): Promise<Metrics> => {
    const { value: r, peakRssBytes } = await withPeakRss(() => timedRun(runner, request), runtime?.pid ?? 'self');
    losses.masklens = r.result.loss?.keras.value ?? null;
    const m: Metrics = { wallMs: r.wallMs, inTaskMs: r.result.elapsedMs };
    if (peakRssBytes !== null) m.peakRssBytes = peakRssBytes;
    return m;
  };
  const runKeras = (server: KerasServer, name: string) => async (): Promise<Metrics> => {
    const r = await server.request('evaluate', { workload: spec.key });
    losses[name] = Number(r.loss);
    return { wallMs: Number(r.seconds) * 1000, peakRssBytes: Number(r.peakRssBytes) };
  };
  ctx.log('  warm-up (excluded): one MaskLens evaluate task; Keras traces its evaluate function on its first call');
  await runMaskLens().catch(() => undefined); // a failure shows again, and is recorded, in the timed runs
  const got = await alternate(
    [
      { side: 'masklens', run: runMaskLens },
      { side: 'keras', run: runKeras(keras, 'keras') },
      ...(typeof jax === 'string' ? [] : [{ side: 'keras-jax', run: runKeras(jax, 'keras-jax') }]),
    ],
    ctx.policy,
    ctx.log,
  );
  if (typeof jax === 'string') got['keras-jax'] = { metrics: {}, error: `Keras on JAX unavailable: ${jax}` };
  const c = compared(got, 'wallMs');
  const notes: string[] = [];
  const ml = losses.masklens;
  for (const [name, label] of [
    ['keras', 'Keras (TensorFlow)'],
    ['keras-jax', 'Keras (JAX)'],
  ] as const) {
    const k = losses[name];
    if (ml === null || k === null) continue;
    const rel = Math.abs(ml - k) / Math.max(1e-12, Math.abs(k));
    notes.push(
      `same-arithmetic check: loss MaskLens ${ml.toPrecision(7)}, ${label} ${k.toPrecision(7)} (relative difference ${rel.toExponential(1)})`,
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
      ...c,
      target: spec.target
        ? { text: spec.target.text, met: c.masklens.summary ? c.masklens.summary.median < spec.target.maxMs : null }
        : null,
      flops: spec.forwardFlopsPerSample * spec.samples,
      notes,
    },
  ];
}
