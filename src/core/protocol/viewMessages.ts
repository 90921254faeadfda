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
 * How much one side-view message may hold. The host fits what it sends to these limits
 * (`fitModelSummaries`): text from user code is shortened with its full form in a tooltip,
 * long lists are cut with a count of what was left out; nothing is refused for its size.
 */
export const VIEW_LIMITS = { name: 1024, label: 256, title: 4096, message: 4000, layers: 2000, diagnostics: 500, models: 200 } as const;

const effectSchema = z.enum(['creates', 'propagates', 'transforms', 'consumes', 'destroys', 'none', 'unknown']);
/** yes / no / unknown: MaskLens cannot read a layer on the way. */
const maskStateSchema = z.enum(['yes', 'no', 'unknown']);

/** What the side view shows of one model of the active editor. */
export const modelSummarySchema = z.object({
  /** The model's variable name: also how the view names it in commands. */
  name: z.string().max(VIEW_LIMITS.name),
  kind: z.enum(['sequential', 'functional', 'subclassed']),
  line: z.number().int().min(0),
  /** A model with no source (a saved file): where it comes from, shown instead of its line. */
  origin: z.string().max(VIEW_LIMITS.label).optional(),
  loss: z.string().max(VIEW_LIMITS.label).nullable(),
  lossMasked: maskStateSchema,
  /** False for a model with one output per sequence (a classifier): no mask at its loss is as it should be. */
  outputPerTimestep: z.boolean().nullable(),
  layers: z
    .array(
      z.object({
        name: z.string().max(VIEW_LIMITS.label),
        className: z.string().max(VIEW_LIMITS.label),
        /** The full name and class where either had to be shortened. */
        title: z.string().max(VIEW_LIMITS.title).optional(),
        in: maskStateSchema,
        out: maskStateSchema,
        effect: effectSchema,
        line: z.number().int().min(0),
      }),
    )
    .max(VIEW_LIMITS.layers),
  layersOmitted: z.number().int().min(0).optional(),
  diagnostics: z.array(z.object({ code: z.string().max(64), severity: z.enum(['error', 'warning', 'information', 'hint']), message: z.string().max(VIEW_LIMITS.message), line: z.number().int().min(0) })).max(VIEW_LIMITS.diagnostics),
  diagnosticsOmitted: z.number().int().min(0).optional(),
  lastResult: z.string().max(500).nullable(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** Where each layer of a result's model is written (0-based), from the host's analysis. */
const positionSchema = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
export const resultSourcesSchema = z.object({
  file: z.string().max(4096),
  layers: z.array(z.object({ name: z.string().max(VIEW_LIMITS.name), start: positionSchema, end: positionSchema })).max(VIEW_LIMITS.layers),
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

/** Host → webview. `result` payloads are validated by their own schema on arrival. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('backend'), report: backendReportSchema }),
  z.object({ type: z.literal('backendError'), message: z.string() }),
  z.object({ type: z.literal('busy'), task: z.string(), message: z.string(), fraction: z.number().min(0).max(1).nullable() }),
  z.object({ type: z.literal('idle') }),
  z.object({ type: z.literal('taskError'), task: z.string(), message: z.string() }),
  z.object({ type: z.literal('result'), task: z.string(), payload: z.unknown(), origin: taskOriginSchema.optional(), sources: resultSourcesSchema.optional() }),
  trainingEpochSchema,
  /** Asks the panel to export as its own buttons do (the current result, or one chart as PNG). */
  z.object({ type: z.literal('requestExport'), format: z.enum(['json', 'csv', 'png']), chart: z.string().max(128).optional() }),
  z.object({ type: z.literal('theme'), kind: z.enum(['light', 'dark', 'high-contrast', 'high-contrast-light']) }),
  z.object({ type: z.literal('models'), file: z.string().max(4096).nullable(), keras: z.string().max(64), models: z.array(modelSummarySchema).max(VIEW_LIMITS.models), modelsOmitted: z.number().int().min(0).optional() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Webview → host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The webview reports what it rendered, so tests and logs can confirm the UI state. */
  z.object({ type: z.literal('rendered'), view: z.string().max(64), summary: z.string().max(2000) }),
  z.object({ type: z.literal('command'), command: z.enum(['evaluate', 'compareLosses', 'train', 'cancel', 'selectData', 'showPanel']), model: z.string().max(VIEW_LIMITS.name).optional() }),
  z.object({ type: z.literal('revealModel'), model: z.string().max(VIEW_LIMITS.name), line: z.number().int().min(0) }),
  z.object({ type: z.literal('reveal'), line: z.number().int().min(0), character: z.number().int().min(0) }),
  /** json/csv: the host writes its own copy of the current result; png: `dataUrl` is the chart. */
  z.object({ type: z.literal('export'), format: z.enum(['json', 'csv', 'png']), name: z.string().max(128).regex(/^[\w.-]+$/), dataUrl: z.string().max(20_000_000).optional() }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;
