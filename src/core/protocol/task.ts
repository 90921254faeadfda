/**
 * What every task shares, whatever its kind: the progress events it posts while it runs, how
 * it learns of cancellation, and the errors it may end with. Each kind's request and result
 * schemas are in `runtimeTasks.ts` and `probe.ts`, listed together in `taskKinds.ts`.
 */
import { z } from 'zod';

/** Progress events a task posts on its MessagePort while it runs. */
export const progressEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), threadId: z.number().int() }),
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({
    type: z.literal('progress'),
    fraction: z.number().min(0).max(1),
    message: z.string(),
    /** A shard of an evaluation split between workers: the samples it has done, of all the evaluation's. */
    samples: z.object({ done: z.number().int().min(0), of: z.number().int().min(0) }).optional(),
  }),
  /** An evaluation split between workers: its samples and each shard's rows (one range: not split). */
  z.object({
    type: z.literal('shards'),
    samples: z.number().int().min(0),
    ranges: z.array(z.object({ start: z.number().int().min(0), end: z.number().int().min(0) })).min(1),
  }),
  z.object({
    type: z.literal('epoch'),
    epoch: z.number().int().nonnegative(),
    epochs: z.number().int().positive(),
    metrics: z.record(z.string(), z.number().nullable()),
  }),
  z.object({
    type: z.literal('batch'),
    epoch: z.number().int().nonnegative(),
    batch: z.number().int().nonnegative(),
    batches: z.number().int().positive(),
    loss: z.number().nullable(),
  }),
]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;

/** How a worker-side task reports progress and learns of cooperative cancellation. */
export interface TaskContext {
  progress(event: ProgressEvent): void;
  /** True once the caller asked to stop; long loops check it between batches. */
  cancelled(): boolean;
}

/** Thrown by a task that stopped because it was asked to. */
export class TaskCancelledError extends Error {
  constructor(message = 'Task cancelled') {
    super(message);
    this.name = 'TaskCancelledError';
  }
}

/** Stops the task (by throwing) once its caller asked it to; long loops call it between steps. */
export function stopIfCancelled(ctx: TaskContext): void {
  if (ctx.cancelled()) throw new TaskCancelledError();
}

/** A failure the user can act on: the message is shown as is, with where it came from. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}
