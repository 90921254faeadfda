/**
 * Messages between the extension host and its webviews (the panel and the side view).
 * Both sides validate every message against these schemas: a webview is untrusted input
 * to the host, and the host's messages carry text that came from user code.
 */
import { z } from 'zod';
import { backendInfoSchema } from './probe';

export const poolStatusSchema = z.object({
  workers: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  intraOpThreads: z.number().int(),
  interOpThreads: z.number().int(),
});
export type PoolStatus = z.infer<typeof poolStatusSchema>;

export const backendReportSchema = z.object({
  backend: backendInfoSchema,
  threadId: z.number().int(),
  probeMs: z.number(),
  pool: poolStatusSchema,
});
export type BackendReport = z.infer<typeof backendReportSchema>;

/**
 * How much one message to the panel may hold: the host fits what it sends to these limits (text
 * from user code is shortened, long lists are cut), so nothing is refused for its size.
 */
export const VIEW_LIMITS = {
  name: 1024,
  label: 256,
  title: 4096,
  message: 4000,
  layers: 2000,
  diagnostics: 500,
  models: 200,
} as const;

/** Where each layer of a result's model is written (0-based), from the host's analysis. */
const positionSchema = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
export const resultSourcesSchema = z.object({
  file: z.string().max(4096),
  layers: z
    .array(z.object({ name: z.string().max(VIEW_LIMITS.name), start: positionSchema, end: positionSchema }))
    .max(VIEW_LIMITS.layers),
});
export type ResultSources = z.infer<typeof resultSourcesSchema>;

/**
 * Which run a result belongs to: the document (URI) and its version when the task was asked
 * for, the model, and an id unique to the run. The panel names its file and model from it, and
 * the host links the result's layers to that document's source without guessing.
 */
export const taskOriginSchema = z.object({
  runId: z.string().max(64),
  document: z.string().max(4096),
  file: z.string().max(4096),
  version: z.number().int(),
  model: z.string().max(1024),
  /** The seed of the run's synthetic data, and of its initial weights where no saved weights ran. */
  seed: z.number().int().optional(),
  /** When the run finished (epoch ms), for the result's header. */
  at: z.number().optional(),
});
export type TaskOrigin = z.infer<typeof taskOriginSchema>;

/** A loss that may be NaN / ±Infinity upstream arrives as null. */
const lossPairSchema = z.object({ masked: z.number().nullable(), unmasked: z.number().nullable() });

/** One finished training epoch, as it happens (the live curves). */
export const trainingEpochSchema = z.object({
  type: z.literal('trainingEpoch'),
  task: z.string().max(512),
  /** 0-based */
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(1),
  train: lossPairSchema,
  val: lossPairSchema.nullable(),
});
export type TrainingEpochMessage = z.infer<typeof trainingEpochSchema>;

/** What the user can do about a failed task, as buttons next to its message. */
export const failureActionSchema = z.enum(['goToLine', 'selectData', 'showLog']);
export type FailureAction = z.infer<typeof failureActionSchema>;

/** Where in the user's file a failure is: the layer it concerns (if any) and its line. */
export const failureLocationSchema = z.object({
  line: z.number().int().min(0),
  character: z.number().int().min(0),
  layer: z.string().max(VIEW_LIMITS.name).optional(),
});
export type FailureLocation = z.infer<typeof failureLocationSchema>;

/** One finished run of a model, as the run history and the side-by-side comparison show it. */
export const runSummarySchema = z.object({
  runId: z.string().max(64),
  task: z.enum(['evaluate', 'compare', 'train']),
  at: z.number(),
  version: z.number().int(),
  data: z.string().max(VIEW_LIMITS.title),
  weights: z.string().max(VIEW_LIMITS.label),
  keras: z.string().max(VIEW_LIMITS.label),
  loss: z.string().max(VIEW_LIMITS.label).nullable(),
  masked: z.number().nullable(),
  unmasked: z.number().nullable(),
  paddingShare: z.number().nullable(),
  maskReachesLoss: z.boolean().nullable(),
  droppedBy: z.array(z.string().max(VIEW_LIMITS.label)).max(VIEW_LIMITS.layers),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** Host → webview. `result` payloads are validated by their own schema on arrival. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('backend'), report: backendReportSchema }),
  z.object({ type: z.literal('backendError'), message: z.string() }),
  z.object({
    type: z.literal('busy'),
    task: z.string(),
    message: z.string(),
    fraction: z.number().min(0).max(1).nullable(),
  }),
  z.object({ type: z.literal('idle') }),
  z.object({
    type: z.literal('taskError'),
    task: z.string(),
    message: z.string(),
    /** Absent for a cancel and for failures of no particular run. */
    origin: taskOriginSchema.optional(),
    code: z.string().max(64).optional(),
    location: failureLocationSchema.optional(),
    actions: z.array(failureActionSchema).max(3).optional(),
  }),
  /** The shown run no longer matches its file (edited since) or its data (other files picked). */
  z.object({ type: z.literal('outdated'), runId: z.string().max(64), reason: z.string().max(VIEW_LIMITS.title) }),
  /** The runs of the shown model, oldest first (at most RUN_HISTORY). */
  z.object({
    type: z.literal('history'),
    file: z.string().max(4096),
    model: z.string().max(VIEW_LIMITS.name),
    runs: z.array(runSummarySchema).max(20),
  }),
  z.object({
    type: z.literal('result'),
    task: z.string(),
    payload: z.unknown(),
    origin: taskOriginSchema.optional(),
    sources: resultSourcesSchema.optional(),
  }),
  trainingEpochSchema,
  /** Asks the panel to export as its own buttons do (the current result, or one chart as PNG). */
  z.object({
    type: z.literal('requestExport'),
    format: z.enum(['json', 'csv', 'png']),
    chart: z.string().max(128).optional(),
  }),
  z.object({ type: z.literal('theme'), kind: z.enum(['light', 'dark', 'high-contrast', 'high-contrast-light']) }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Webview → host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The webview reports what it rendered, so tests and logs can confirm the UI state. */
  z.object({ type: z.literal('rendered'), view: z.string().max(64), summary: z.string().max(2000) }),
  z.object({
    type: z.literal('command'),
    command: z.enum(['evaluate', 'compareLosses', 'train', 'cancel', 'selectData', 'showLog']),
    model: z.string().max(VIEW_LIMITS.name).optional(),
  }),
  z.object({ type: z.literal('reveal'), line: z.number().int().min(0), character: z.number().int().min(0) }),
  /** json/csv: the host writes its own copy of the current result; png: `dataUrl` is the chart. */
  z.object({
    type: z.literal('export'),
    format: z.enum(['json', 'csv', 'png']),
    name: z
      .string()
      .max(128)
      .regex(/^[\w.-]+$/),
    dataUrl: z.string().max(20_000_000).optional(),
  }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;
