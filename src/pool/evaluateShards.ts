/**
 * One evaluation on several pool workers: shard 0 opens the session, decides whether a split is
 * exact and pays (src/core/runtime/shardPlan.ts; one shard when not, and it then evaluates every
 * sample) and announces the shards; the others start then, each reading its own rows from the
 * data files. Their reduction states are merged in sample order and finished by the code the
 * worker's own evaluate task uses (src/core/runtime/evaluateResult.ts).
 *
 * The shards run as one task for the caller: progress adds up their samples (never going back),
 * cancelling cancels every shard, the time limit counts from when the first starts and covers
 * them all, and one shard failing (a worker crash included) stops the others and fails the whole
 * with one message naming the model.
 */
import type { EvaluateShardRequestParsed, EvaluateShardResult } from '../core/protocol/evaluateShard';
import { evaluateResultSchema, type EvaluateRequestParsed, type EvaluateResult } from '../core/protocol/runtimeTasks';
import { type ProgressEvent, UserFacingError } from '../core/protocol/task';
import { evaluateResultOf } from '../core/runtime/evaluateResult';
import type { ShardRange } from '../core/runtime/shardPlan';
import { poolErrorFromData, PoolTaskError, ProtocolError, TaskCancelled, TaskTimedOut } from './errors';

export interface ShardRunOptions {
  onProgress?: (event: ProgressEvent) => void;
}

export interface ShardHandle {
  result: Promise<EvaluateShardResult>;
  cancel(reason?: string): void;
}

export interface SplitOptions {
  /** How many shards at most (the pool's workers). */
  workers: number;
  /** Starts one shard as a pool task. */
  startShard: (request: EvaluateShardRequestParsed, options: ShardRunOptions) => ShardHandle;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

const count = (n: number) => n.toLocaleString('en-US');

export function splitEvaluation(
  request: EvaluateRequestParsed,
  o: SplitOptions,
): { result: Promise<EvaluateResult>; cancel(reason?: string): void } {
  const started = performance.now();
  const handles: ShardHandle[] = [];
  const outcomes: Promise<EvaluateShardResult>[] = [];
  let stop: PoolTaskError | null = null;
  /** The first shard that failed (a box: the callbacks set it). */
  const failure: { first: { error: unknown; index: number } | null } = { first: null };
  let ranges: ShardRange[] | null = null;
  let samples = 0;
  const done: number[] = [];
  let fraction = 0;
  let limitTimer: NodeJS.Timeout | undefined;

  const stopAll = (why: PoolTaskError): void => {
    if (stop !== null) return;
    stop = why;
    handles.forEach((h) => h.cancel(why.message));
  };
  const cancel = (reason = 'cancelled'): void => stopAll(new TaskCancelled(reason));
  o.signal?.addEventListener('abort', () => cancel('cancelled'), { once: true });

  const emit = (event: ProgressEvent): void => o.onProgress?.(event);
  const split = () => ranges !== null && ranges.length > 1;

  const onShardProgress =
    (index: number) =>
    (event: ProgressEvent): void => {
      if (event.type === 'shards') {
        if (index !== 0) return;
        ranges = event.ranges;
        samples = event.samples;
        for (let i = 1; i < event.ranges.length && stop === null && failure.first === null; i++) start(i);
        return;
      }
      if (event.type === 'started') {
        if (index !== 0) return;
        const seconds = request.taskTimeoutSeconds;
        if (seconds > 0) {
          limitTimer = setTimeout(() => stopAll(new TaskTimedOut('evaluate', seconds)), seconds * 1000);
          limitTimer.unref();
        }
        return emit(event);
      }
      if (event.type === 'progress' && split()) {
        // Each shard counts its own samples: the evaluation's are their sum.
        if (!event.samples) return;
        done[index] = event.samples.done;
        const all = done.reduce((a, b) => a + (b ?? 0), 0);
        fraction = Math.max(fraction, 0.2 + (0.75 * all) / Math.max(1, samples));
        return emit({
          type: 'progress',
          fraction,
          message: `evaluated ${count(all)} of ${count(samples)} samples on ${ranges?.length ?? 1} workers`,
        });
      }
      if (index === 0) {
        if (event.type === 'progress') fraction = Math.max(fraction, event.fraction);
        emit(event);
      }
    };

  function start(index: number): void {
    const handle = o.startShard(
      { ...request, kind: 'evaluateShard', taskTimeoutSeconds: 0, shard: { index, of: o.workers } },
      { onProgress: onShardProgress(index) },
    );
    handles.push(handle);
    const outcome = handle.result.catch((error: unknown) => {
      if (failure.first === null && stop === null) {
        failure.first = { error, index };
        handles.forEach((h) => h !== handle && h.cancel('stopped: another part of the evaluation failed'));
      }
      throw error;
    });
    // Awaited once shard 0 has settled: a later shard may fail before that.
    outcome.catch(() => undefined);
    outcomes.push(outcome);
  }

  const failed = (error: unknown, index: number): PoolTaskError => {
    const e =
      error instanceof PoolTaskError
        ? error
        : new PoolTaskError(error instanceof Error ? error.message : String(error), 'worker-error');
    const range = ranges?.[index];
    if (!split() || !range) return e;
    return poolErrorFromData(
      `Evaluating model '${request.model.name}' on ${ranges?.length} workers, the part with samples ${count(range.start)} to ${count(range.end - 1)} of ${count(samples)} failed: ${e.message}`,
      e.code,
      e.location,
    );
  };

  const result = (async (): Promise<EvaluateResult> => {
    start(0);
    try {
      // Shard 0 announces the others (its progress arrives before its result) before it settles.
      await Promise.allSettled([outcomes[0]]);
      const settled = await Promise.allSettled(outcomes);
      if (stop !== null) throw stop;
      if (failure.first !== null) throw failed(failure.first.error, failure.first.index);
      const shards = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      let built: EvaluateResult;
      try {
        built = evaluateResultOf(request, shards, performance.now() - started);
      } catch (error) {
        if (error instanceof UserFacingError) throw new PoolTaskError(error.message, error.code, error.location);
        throw error;
      }
      const checked = evaluateResultSchema.safeParse(built);
      if (!checked.success) throw new ProtocolError(`merged evaluation: ${checked.error.message}`);
      emit({ type: 'progress', fraction: 1, message: 'done' });
      return checked.data;
    } finally {
      clearTimeout(limitTimer);
    }
  })();
  return { result, cancel };
}
