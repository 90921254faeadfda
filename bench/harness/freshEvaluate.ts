/**
 * One large evaluation in a fresh runtime process, as W6 and W7 take it: the process started
 * through the client the extension uses, warmed up (as Keras' side traces a batch first), the
 * evaluation timed, the process's peak memory read, the process closed. `workers: 0` is the
 * extension's own pool (min(2, cores) workers, each with its share of the TensorFlow threads,
 * one large evaluation split between them); `workers: 1` is one worker with every thread.
 */
import { join } from 'node:path';
import type { EvaluateRequest, LayerWeights, RuntimeModel } from '../../src/core/protocol/runtimeTasks';
import { RuntimeClient } from '../../src/runtimeProcess/client';
import { type BenchContext, withoutPinnedThreads } from './context';
import { peakRss } from './kerasScript';
import { timedRun, warmUp } from './masklens';

export interface FreshRun {
  ms: number;
  /** From starting the runtime process: the warm-up and the timed evaluate. */
  coldMs: number;
  loss: number | null;
  peak: number | null;
  warnings: string[];
  /** How many workers evaluated it (1 when it was not split). */
  sharedBy: number;
}

export async function freshEvaluate(
  ctx: BenchContext,
  workers: number,
  model: RuntimeModel,
  layers: LayerWeights[],
  data: EvaluateRequest['data'],
  env: NodeJS.ProcessEnv = {},
): Promise<FreshRun> {
  const runtime = new RuntimeClient({
    runtimeFile: join(ctx.root, 'dist', 'runtime.js'),
    settings: { workers, maxQueue: 4, memoryCapMB: 2048 },
    env: { ...(workers === 1 ? ctx.env : withoutPinnedThreads(ctx.env)), ...env },
  });
  try {
    const warmMs = await warmUp(runtime, model, layers);
    let sharedBy = 1;
    const r = await timedRun(runtime, {
      kind: 'evaluate' as const,
      model,
      data,
      weights: { source: 'inline' as const, layers },
      layerOutputs: false,
    });
    for (const { event } of r.events) {
      const on = event.type === 'progress' ? / on (\d+) workers$/.exec(event.message) : null;
      if (on) sharedBy = Number(on[1]);
    }
    return {
      ms: r.wallMs,
      coldMs: warmMs + r.wallMs,
      loss: r.result.loss?.keras.value ?? null,
      peak: runtime.pid ? peakRss(runtime.pid) : null,
      warnings: r.result.warnings,
      sharedBy,
    };
  } finally {
    await runtime.close();
  }
}
