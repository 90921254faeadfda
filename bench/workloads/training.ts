/**
 * W1, W3 and W8 training epoch: a MaskLens `train` task with epochs = 1 through the pool against
 * Keras' model.fit(epochs=1) on TensorFlow and on JAX, same data files, same initial weights,
 * same batch size, Adam. Each side's peak RSS per run is recorded too (MaskLens: the harness's
 * process, which hosts the pool's worker thread).
 * Three numbers per side, because "an epoch" hides different fixed costs on each:
 *   steps   — the optimizer steps alone (batch-end timestamps, see stepsOnlyMs);
 *   epoch   — MaskLens's own epoch time (its loop plus the end-of-epoch loss pass over the
 *             training data that it reports masked and unmasked) vs Keras' warm fit() call;
 *   task    — a fresh model's first epoch: the whole pool task (request validation, model
 *             build, data load, epoch) vs build + compile + set_weights + fit in the warm
 *             Keras process, tf.function tracing included.
 */
import { join } from 'node:path';
import { alternate, type Metrics } from '../harness/alternate';
import type { BenchContext } from '../harness/context';
import { kerasWeightsFor, loadModel, stepsOnlyMs, timedRun } from '../harness/masklens';
import type { KerasServer } from '../harness/keras';
import { withPeakRss } from '../harness/memory';
import { compared, type Row } from '../harness/results';
import { TRAIN_FACTOR } from '../harness/flops';

export interface TrainingSpec {
  workload: 'W1' | 'W3' | 'W8';
  key: 'w1' | 'w3' | 'w8';
  /** The loss, in words, for the table. */
  lossText: string;
  source: string;
  x: string;
  y: string;
  batchSize: number;
  samples: number;
  forwardFlopsPerSample: number;
  /** Also time a fresh model's first epoch on both sides. */
  cold: boolean;
}

export async function trainingWorkload(ctx: BenchContext, spec: TrainingSpec): Promise<Row[]> {
  const pool = await ctx.pool();
  const keras = await ctx.keras();
  // The JAX reference may be missing (no wheels, no index): its column then says why.
  const jax = await ctx.kerasJax().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const jaxServer = typeof jax === 'string' ? null : jax;
  const { model } = await loadModel(join(ctx.root, spec.source));
  const weights = kerasWeightsFor(model, join(ctx.dataDir, `${spec.key}_weights.json`));
  const request = {
    kind: 'train' as const,
    model,
    data: { source: 'file' as const, x: join(ctx.dataDir, `${spec.x}.npy`), y: join(ctx.dataDir, `${spec.y}.npy`) },
    weights: { source: 'inline' as const, layers: weights },
    epochs: 1,
    batchSize: spec.batchSize,
  };
  const runMaskLens = async (): Promise<Metrics> => {
    const { value: r, peakRssBytes } = await withPeakRss(() => timedRun(pool, request));
    const ends = r.events.filter((e) => e.event.type === 'batch').map((e) => e.at);
    const steps = stepsOnlyMs(ends);
    const m: Metrics = { epochMs: r.result.history[0].seconds * 1000, taskMs: r.wallMs };
    if (ends.length > 0) m.toFirstBatchEndMs = ends[0]; // logged only: build + data load + first step
    if (steps !== null) m.stepsMs = steps;
    if (peakRssBytes !== null) m.peakRssBytes = peakRssBytes;
    return m;
  };
  const runKeras = (server: KerasServer) => async (): Promise<Metrics> => {
    const warm = await server.request('train', { workload: spec.key, mode: 'warm' });
    const m: Metrics = { epochMs: Number(warm.seconds) * 1000, peakRssBytes: Number(warm.peakRssBytes) };
    const ends = (warm.batchEnds as number[]).map((s) => s * 1000);
    const steps = stepsOnlyMs(ends);
    if (steps !== null) m.stepsMs = steps;
    // Logged only: where fit() spends time outside the steps window (data adapter, first step, end of epoch).
    if (ends.length > 0)
      Object.assign(m, { toFirstBatchEndMs: ends[0], afterLastBatchMs: m.epochMs - ends[ends.length - 1] });
    if (spec.cold) {
      const cold = await server.request('train', { workload: spec.key, mode: 'cold' });
      m.taskMs = Number(cold.seconds) * 1000;
      m.peakRssBytes = Math.max(m.peakRssBytes, Number(cold.peakRssBytes));
    }
    return m;
  };

  // MaskLens has no tracing to amortise; its warm-up only has to touch every kernel once, so
  // one step on one synthetic batch of the same shape does (a whole epoch of W3 would cost a minute).
  ctx.log(
    `  warm-up (excluded): a one-batch MaskLens train task on synthetic data, one whole Keras fit per backend (traces its train function)`,
  );
  // A failing warm-up is only logged: the timed runs fail the same way and are recorded.
  const warmFailed = (what: string) => (e: unknown) =>
    ctx.log(`  ${what} warm-up failed: ${e instanceof Error ? e.message : String(e)}`);
  await timedRun(pool, { ...request, data: { source: 'synthetic', samples: spec.batchSize, seed: 7 } }).catch(
    warmFailed('MaskLens'),
  );
  await keras.request('train', { workload: spec.key, mode: 'warm' }).catch(warmFailed('Keras (TensorFlow)'));
  if (jaxServer)
    await jaxServer.request('train', { workload: spec.key, mode: 'warm' }).catch(warmFailed('Keras (JAX)'));
  const runners = [
    { side: 'masklens', run: runMaskLens },
    { side: 'keras', run: runKeras(keras) },
    ...(jaxServer ? [{ side: 'keras-jax', run: runKeras(jaxServer) }] : []),
  ];
  const got = await alternate(runners, ctx.policy, ctx.log);
  if (typeof jax === 'string') got['keras-jax'] = { metrics: {}, error: `Keras on JAX unavailable: ${jax}` };
  const flops = TRAIN_FACTOR * spec.forwardFlopsPerSample * spec.samples;
  const steps = Math.ceil(spec.samples / spec.batchSize);
  const setup = `${spec.samples} samples, batch ${spec.batchSize} (${steps} steps), Adam, masked ${spec.lossText}`;
  const row = (measure: string, key: string, how: string, target: number | null, notes: string[]): Row => {
    const c = compared(got, key);
    return {
      workload: spec.workload,
      measure,
      how,
      ...c,
      target:
        target !== null
          ? { text: `MaskLens/faster Keras ≤ ${target}`, met: c.ratio === null ? null : c.ratio <= target }
          : null,
      flops,
      notes: [
        ...notes,
        'Peak RSS: the highest of the repetitions, per run (MaskLens: the harness process with its pool).',
      ],
    };
  };
  const rows = [
    row(
      'training epoch: optimizer steps',
      'stepsMs',
      `${setup}; both: time between the first and last batch end × B/(B−1) (MaskLens: batch progress events at the harness; Keras: on_train_batch_end)`,
      0.8,
      [],
    ),
    row(
      'training epoch: as each reports it',
      'epochMs',
      `MaskLens: the epoch time in the train result (its loop + a loss pass over the training data); Keras: one warm model.fit(epochs=1) call`,
      null,
      [
        'MaskLens' +
          "'s epoch includes evaluating the masked and unmasked training loss after the epoch (one extra forward pass, ≈ +1/3 of the FLOPs); Keras' fit reports a running mean instead.",
      ],
    ),
  ];
  if (spec.cold)
    rows.push(
      row(
        'first epoch of a fresh model',
        'taskMs',
        'MaskLens: the whole pool task (validate, build model, load .npy, epoch, loss pass); Keras: build + compile + set_weights + fit in an already running Python (tf.function tracing included)',
        null,
        [],
      ),
    );
  return rows;
}
