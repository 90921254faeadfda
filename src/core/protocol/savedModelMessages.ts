/**
 * Messages between the extension host and the saved-model editor's webview (a `.keras` or
 * `.h5` file opened in VS Code). Both sides validate every message against these schemas: the
 * webview is untrusted input to the host, and the summary carries names a saved file holds.
 */
import { z } from 'zod';
import { VIEW_LIMITS } from './viewMessages';

const effectSchema = z.enum(['creates', 'propagates', 'transforms', 'consumes', 'destroys', 'none', 'unknown']);
/** yes / no / unknown: MaskLens cannot read a layer on the way. */
const maskStateSchema = z.enum(['yes', 'no', 'unknown']);

/** What the editor shows of the model a saved file holds: its layers' masks and the analysis' findings. */
export const savedModelSummarySchema = z.object({
  name: z.string().max(VIEW_LIMITS.name),
  kind: z.enum(['sequential', 'functional', 'subclassed']),
  /** Where the model comes from (a saved file has no source line): ".keras archive saved by Keras 3.15.1". */
  origin: z.string().max(VIEW_LIMITS.label),
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
      }),
    )
    .max(VIEW_LIMITS.layers),
  layersOmitted: z.number().int().min(0).optional(),
  diagnostics: z
    .array(
      z.object({
        code: z.string().max(64),
        severity: z.enum(['error', 'warning', 'information', 'hint']),
        message: z.string().max(VIEW_LIMITS.message),
      }),
    )
    .max(VIEW_LIMITS.diagnostics),
  diagnosticsOmitted: z.number().int().min(0).optional(),
});
export type SavedModelSummary = z.infer<typeof savedModelSummarySchema>;

/** Host → editor: the model the file holds, or why it could not be read. */
export const savedModelHostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('model'),
    file: z.string().max(4096),
    keras: z.string().max(VIEW_LIMITS.label),
    summary: savedModelSummarySchema,
  }),
  z.object({ type: z.literal('error'), file: z.string().max(4096), message: z.string().max(VIEW_LIMITS.message) }),
]);
export type SavedModelHostMessage = z.infer<typeof savedModelHostMessageSchema>;

/** Editor → host. `run`: the editor's buttons, which run the model with the file's own weights. */
export const savedModelWebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** What the editor drew, so tests and logs can confirm it. */
  z.object({ type: z.literal('rendered'), view: z.enum(['model', 'error']), summary: z.string().max(2000) }),
  z.object({ type: z.literal('run'), task: z.enum(['evaluate', 'compare', 'train']) }),
]);
export type SavedModelWebviewMessage = z.infer<typeof savedModelWebviewMessageSchema>;
