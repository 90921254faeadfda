/**
 * The analysis process' protocol. The extension host forks `dist/analysis.js` and talks to it
 * with JSON-RPC (vscode-jsonrpc) over the fork's IPC channel, the way a language client talks
 * to its server: it opens each Python document with its full text, then sends the edits as
 * incremental changes and finally closes it; the process answers each (document, version) with
 * a compact view of its analysis. What a task needs of one model (its Keras config, Lambdas,
 * training settings and the arrays the source writes) is asked for when the user runs one.
 *
 * Inside the process a worker thread runs the analyzer; the messages between the two are here
 * too. Each receiving end validates what it receives once: the process checks the host's
 * notifications, the host checks analyses and task inputs. The process passes the thread's view
 * and task inputs on without looking inside, so they are checked at the host, where they are used.
 */
import { z } from 'zod';
import type { Diagnostic, Range } from '../ir';
import type { MaskState, StaticMaskEffect } from '../masking/state';
import { familySchema, inlineDataSchema, runtimeModelSchema, trainValidationSchema } from './runtimeTasks';

export const ANALYSIS_METHODS = {
  /** request, host → process: the limits; answered when the process is ready */
  initialize: 'masklens/initialize',
  didOpen: 'masklens/didOpen',
  didChange: 'masklens/didChange',
  didClose: 'masklens/didClose',
  didChangeSettings: 'masklens/didChangeSettings',
  /** notification, process → host: which document version is being analysed now, if any (what was running if the process dies) */
  analysisState: 'masklens/analysisState',
  /** notification, process → host: a document version's analysis, or why it stopped */
  analysis: 'masklens/analysis',
  /** request, host → process: what a task needs of one model */
  taskInput: 'masklens/taskInput',
} as const;

// ---------------------------------------------------------------- limits and settings

export const analysisLimitsSchema = z.object({
  /** Wall-clock budget of one analysis; past it the analysis is stopped and reported. */
  timeLimitMs: z.number().int().min(100).max(600_000),
  /** Heap of the thread that runs the analyzer (`resourceLimits.maxOldGenerationSizeMb`). */
  memoryLimitMB: z.number().int().min(64).max(16_384),
});
export type AnalysisLimits = z.infer<typeof analysisLimitsSchema>;

/** What a document's analysis depends on besides its text (its folder's MaskLens settings). */
export const documentSettingsSchema = z.object({
  family: familySchema,
  dimensions: z.record(z.string(), z.number().int().positive()),
  /** Where the document's own modules are looked for besides its folder (its workspace folder). */
  importRoots: z.array(z.string()).optional(),
  /** Restricted Mode (the default): modules are read only inside the import roots. */
  restricted: z.boolean().optional(),
});
export type DocumentSettings = z.infer<typeof documentSettingsSchema>;

// ---------------------------------------------------------------- document sync (host → process)

const positionSchema = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
export const rangeSchema: z.ZodType<Range> = z.object({ start: positionSchema, end: positionSchema });

export const didOpenSchema = z.object({
  uri: z.string(),
  /** The file path the analyzer reports and resolves workspace imports from. */
  file: z.string(),
  /** How results name the file to the user (workspace-relative). */
  label: z.string(),
  version: z.number().int(),
  text: z.string(),
  settings: documentSettingsSchema,
  /** False for a version that crashed the previous process: it is not analysed again. */
  analyse: z.boolean(),
});
export type DidOpen = z.infer<typeof didOpenSchema>;

/** An edit as VS Code reports it (`TextDocumentContentChangeEvent`), or a whole new text. */
export const contentChangeSchema = z.union([
  z.object({ range: rangeSchema, rangeLength: z.number().int().min(0).optional(), text: z.string() }),
  z.object({ text: z.string() }),
]);
export type ContentChange = z.infer<typeof contentChangeSchema>;

export const didChangeSchema = z.object({
  uri: z.string(),
  version: z.number().int(),
  changes: z.array(contentChangeSchema),
});
export type DidChange = z.infer<typeof didChangeSchema>;

export const didCloseSchema = z.object({ uri: z.string() });

export const didChangeSettingsSchema = z.object({
  uri: z.string(),
  settings: documentSettingsSchema,
  analyse: z.boolean(),
});
export type DidChangeSettings = z.infer<typeof didChangeSettingsSchema>;

// ---------------------------------------------------------------- analyses (process → host)

const maskEffectSchema = z.enum([
  'creates',
  'propagates',
  'transforms',
  'consumes',
  'destroys',
  'none',
  'unknown',
]) satisfies z.ZodType<StaticMaskEffect>;
/** Whether a mask is there: yes, no, or unknown (MaskLens cannot read a layer on the way). */
export const maskStateSchema = z.enum(['yes', 'no', 'unknown']) satisfies z.ZodType<MaskState>;

const textEditSchema = z.object({ range: rangeSchema, newText: z.string() });
export const diagnosticSchema: z.ZodType<Diagnostic> = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'information', 'hint']),
  message: z.string(),
  range: rangeSchema,
  fix: z.object({ title: z.string(), edits: z.array(textEditSchema) }).optional(),
});

export const layerViewSchema = z.object({
  name: z.string(),
  className: z.string(),
  range: rangeSchema,
  mask: z.object({ in: maskStateSchema, out: maskStateSchema, effect: maskEffectSchema }),
  /** Why the mask leaving the layer is unknown (null when it is known). */
  unknownBecause: z.string().nullable(),
  /** The first output's shape as read statically: null for None, a name for a dimension left open; null when unknown. */
  outputShape: z.array(z.union([z.number(), z.string(), z.null()])).nullable(),
  /** The mask rule that applied: how the output mask follows, whether the layer supports masking, whether MaskLens knows the layer. */
  rule: z.object({ kind: z.string(), supportsMasking: z.boolean(), known: z.boolean() }),
  /** The layers this one is called on, for the model's graph. */
  inbound: z.array(z.string()).default([]),
});
export type LayerView = z.infer<typeof layerViewSchema>;

export const modelViewSchema = z.object({
  name: z.string(),
  kind: z.enum(['sequential', 'functional', 'subclassed']),
  range: rangeSchema,
  layers: z.array(layerViewSchema),
  /** The loss `compile` names, as text. */
  loss: z.string().nullable(),
  /** Whether a mask reaches the model's output, where Keras applies it to the loss: yes, no, or unknown. */
  lossMasked: maskStateSchema,
  /** Whether the output (and the loss) is per timestep; a classifier's is not, and needs no mask there. Null: not known. */
  outputPerTimestep: z.boolean().nullable(),
  diagnostics: z.array(diagnosticSchema),
  /** Why part of the model could not be read (a syntax error in its statements); absent when read whole. */
  incomplete: z.string().optional(),
});
export type ModelView = z.infer<typeof modelViewSchema>;

export const stopReasons = ['time', 'memory', 'crash'] as const;
export type StopReason = (typeof stopReasons)[number];

export const analysisViewSchema = z.object({
  uri: z.string(),
  version: z.number().int(),
  /** Time the analyzer took (0 when it was stopped before finishing). */
  elapsedMs: z.number(),
  family: familySchema,
  /** "Keras 3.15.1" / "tf.keras 2.21.0": what every verdict holds for. */
  keras: z.string(),
  models: z.array(modelViewSchema),
  diagnostics: z.array(diagnosticSchema),
  /** Set when the analysis did not finish: it was stopped, and the diagnostics say why. */
  stopped: z.object({ reason: z.enum(stopReasons), message: z.string() }).nullable(),
});
export type AnalysisView = z.infer<typeof analysisViewSchema>;

export const analysisStateSchema = z.object({
  running: z.object({ uri: z.string(), version: z.number().int() }).nullable(),
});
export type AnalysisState = z.infer<typeof analysisStateSchema>;

// ---------------------------------------------------------------- task inputs (on request)

export const taskInputRequestSchema = z.object({ uri: z.string(), version: z.number().int(), model: z.string() });
export type TaskInputRequest = z.infer<typeof taskInputRequestSchema>;

/** What a task needs of one model; the host adds the data the user chose and its settings. */
export const taskInputSchema = z.object({
  model: runtimeModelSchema,
  /** The arrays the model's own evaluate / fit / predict call names, when the source writes them. */
  sourceData: inlineDataSchema.nullable(),
  /** The data files the model's own evaluate / fit / predict call loads, paths as written. */
  sourceFiles: z
    .object({
      x: z.string(),
      y: z.string().optional(),
      keys: z.object({ x: z.string().optional(), y: z.string().optional() }).optional(),
      description: z.string(),
    })
    .nullable()
    .default(null),
  /** `fit`'s validation_split or validation_data, when the source fixes it. */
  sourceValidation: trainValidationSchema.nullable(),
  /** Why the source's arrays could not be used, when it names some. */
  notes: z.array(z.string()),
  /** Files the source saves the model to or loads its weights from (1-based line); the host offers those that exist. */
  weightFiles: z
    .array(
      z.object({
        path: z.string().max(4096),
        how: z.enum(['load_model', 'load_weights', 'save', 'save_weights', 'ModelCheckpoint']),
        line: z.number().int().positive(),
      }),
    )
    .max(64)
    .default([]),
});
export type TaskInput = z.input<typeof taskInputSchema>;

export const taskInputReplySchema = z.object({
  /** The document version whose analysis the input comes from (the newest the process has). */
  version: z.number().int(),
  input: taskInputSchema,
});
export type TaskInputReply = z.infer<typeof taskInputReplySchema>;

// ---------------------------------------------------------------- inside the process: main ↔ analyzer thread

/** One analysis for the thread to run; the stop flag travels separately (a SharedArrayBuffer). */
export const analysisJobSchema = z.object({
  uri: z.string(),
  version: z.number().int(),
  file: z.string(),
  label: z.string(),
  text: z.string(),
  settings: documentSettingsSchema,
});
export type AnalysisJob = z.infer<typeof analysisJobSchema>;

export const threadRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('analyse'), job: analysisJobSchema }),
  /** The document was closed: drop its cached syntax tree. */
  z.object({ type: z.literal('forget'), file: z.string() }),
]);
export type ThreadRequest = z.infer<typeof threadRequestSchema>;

export const threadReplySchema = z.discriminatedUnion('type', [
  /** `view` is an AnalysisView and `taskInputs` maps model names to TaskInputs; the host checks both. */
  z.object({
    type: z.literal('analysed'),
    uri: z.string(),
    version: z.number().int(),
    view: z.unknown(),
    taskInputs: z.record(z.string(), z.unknown()),
  }),
  /** The thread saw the stop flag and gave up on this job. */
  z.object({ type: z.literal('stopped'), uri: z.string(), version: z.number().int() }),
]);
export type ThreadReply = z.infer<typeof threadReplySchema>;

/** Values of the stop flag (an Int32Array of one element over a SharedArrayBuffer). */
export const STOP_FLAG = { run: 0, cancelled: 1, outOfTime: 2 } as const;
