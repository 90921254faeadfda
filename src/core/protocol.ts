/**
 * The envelope of every task sent to the worker pool and every event it sends back.
 * Payloads of individual task kinds are defined beside their implementation
 * (e.g. `core/runtime/types.ts`); here is what the pool itself needs.
 */
import { z } from 'zod';

export const TASK_KINDS = ['probe', 'evaluate', 'train', 'compare'] as const; // schemas: core/tasks.ts
export type TaskKind = (typeof TASK_KINDS)[number];

/** Progress events a task posts on its MessagePort while it runs. */
export const progressEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), threadId: z.number().int() }),
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({ type: z.literal('progress'), fraction: z.number().min(0).max(1), message: z.string() }),
  z.object({
    type: z.literal('epoch'),
    epoch: z.number().int().nonnegative(),
    epochs: z.number().int().positive(),
    metrics: z.record(z.string(), z.number().nullable()),
  }),
  z.object({ type: z.literal('batch'), epoch: z.number().int().nonnegative(), batch: z.number().int().nonnegative(), batches: z.number().int().positive(), loss: z.number().nullable() }),
]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;

/** A probe: which backend runs, and optionally keep a worker busy doing real tensor work. */
export const probeRequestSchema = z.object({
  kind: z.literal('probe'),
  /** Run matMuls of this size for about this long (tests cancellation, warms the pool). */
  workMs: z.number().int().min(0).max(600_000).default(0),
  matrixSize: z.number().int().min(1).max(2048).default(64),
});
export type ProbeRequest = z.infer<typeof probeRequestSchema>;

export const backendInfoSchema = z.object({
  backend: z.enum(['tensorflow', 'cpu']),
  fallbackReason: z.string().nullable(),
  tfjsVersion: z.string(),
  tensorflowVersion: z.string().nullable(),
});

export const probeResultSchema = z.object({
  kind: z.literal('probe'),
  backend: backendInfoSchema,
  threadId: z.number().int(),
  matMuls: z.number().int().nonnegative(),
  checksum: z.number(),
  elapsedMs: z.number(),
  tensorsBefore: z.number().int(),
  tensorsAfter: z.number().int(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

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
