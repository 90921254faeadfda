/**
 * What crosses the process boundary between the extension host and the runtime process
 * (`dist/runtime.js`, which hosts the worker pool): JSON-RPC messages over the Node IPC channel
 * of the forked process. The host sizes the pool once (`start`), sends tasks (`run`), cancels them
 * (`cancel`) and ends the process (`shutdown`, then it closes the channel); the process reports
 * each task's progress and the pool's state as notifications.
 *
 * The channel uses Node's "advanced" serialization (structured cloning), as the thread hop does:
 * typed arrays, NaN and ±Infinity in requests and results arrive as they were sent.
 *
 * Each receiving end validates once: the runtime process checks these envelopes and hands the
 * task request to the pool, which validates it against its kind's schema; the host checks the
 * envelopes and each result against its kind's result schema.
 */
import { z } from 'zod';
import { progressEventSchema } from './task';

export const RUNTIME_METHODS = {
  /** Request, host → process: create the pool; answered with the process id and the pool's state. */
  start: 'runtime/start',
  /** Request, host → process: run one task; answered with its result, or an error carrying `taskErrorDataSchema`. */
  run: 'runtime/run',
  /** Notification, host → process: ask a running or queued task to stop. */
  cancel: 'runtime/cancel',
  /** Request, host → process: close the pool; the host then closes the channel and the process exits. */
  shutdown: 'runtime/shutdown',
  /** Notification, process → host: a progress event of one task. */
  progress: 'runtime/progress',
  /** Notification, process → host: the pool's counters changed. */
  state: 'runtime/state',
} as const;

/** The JSON-RPC error code of a task that ended with an error of its own (its code is in `data`). */
export const TASK_FAILED_CODE = -32001;

export const startParamsSchema = z.object({
  /** Worker threads; 0 means min(2, cores). */
  workers: z.number().int().min(0).max(64),
  /** Tasks allowed to wait for a worker. */
  maxQueue: z.number().int().min(1),
  /** V8 heap cap of each worker thread, in MiB. */
  workerHeapMB: z.number().int().min(16).optional(),
  /** How long a cancelled task may take to stop before its worker is terminated. */
  cancelGraceMs: z.number().int().min(0).optional(),
});
export type StartParams = z.infer<typeof startParamsSchema>;

export const threadPlanSchema = z.object({
  workers: z.number().int(),
  intraOpThreads: z.number().int(),
  interOpThreads: z.number().int(),
  cores: z.number().int(),
});

export const poolStateSchema = z.object({
  workers: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  plan: threadPlanSchema,
});
export type RuntimePoolState = z.infer<typeof poolStateSchema>;

export const startResultSchema = z.object({
  pid: z.number().int(),
  state: poolStateSchema,
  /** Whether the process honours test-only faults (env MASKLENS_TEST_HOOKS=1). */
  testHooks: z.boolean(),
});
export type StartResult = z.infer<typeof startResultSchema>;

export const runParamsSchema = z.object({
  taskId: z.number().int().nonnegative(),
  /** Validated by the pool against the schema of its `kind`. */
  request: z.unknown(),
});
export type RunParams = z.infer<typeof runParamsSchema>;

/** What the error of a failed `run` carries besides its message. */
export const taskErrorDataSchema = z.object({
  code: z.string(),
  location: z.string().optional(),
});
export type TaskErrorData = z.infer<typeof taskErrorDataSchema>;

export const cancelParamsSchema = z.object({
  taskId: z.number().int().nonnegative(),
  reason: z.string().max(500),
});
export type CancelParams = z.infer<typeof cancelParamsSchema>;

export const progressParamsSchema = z.object({
  taskId: z.number().int().nonnegative(),
  event: progressEventSchema,
});
export type ProgressParams = z.infer<typeof progressParamsSchema>;
