/**
 * The `inspect` task: a model Keras saved (a `.keras` archive or a legacy `.h5`), read in the
 * runtime process like any weights file (Restricted Mode's check on the opened file, its size
 * charged to the memory cap), and answered with the model as the runtime takes it and what
 * the static analysis says of it, for the saved-model editor.
 */
import { z } from 'zod';
import { familySchema, fileAccessSchema, runtimeModelSchema } from './runtimeTasks';
import { savedModelSummarySchema } from './savedModelMessages';

export const inspectRequestSchema = z.object({
  kind: z.literal('inspect'),
  path: z.string().max(4096),
  family: familySchema.default('keras3'),
  kerasVersion: z.string().optional(),
  access: fileAccessSchema.default({ mode: 'trusted' }),
  memoryCapMB: z.number().positive().default(2048),
  taskTimeoutSeconds: z
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .default(300),
});
export type InspectRequest = z.input<typeof inspectRequestSchema>;

export const inspectResultSchema = z.object({
  kind: z.literal('inspect'),
  format: z.enum(['keras-archive', 'legacy-h5', 'weights-h5']),
  /** The Keras version that saved the file, when it says. */
  savedBy: z.string().nullable(),
  /** "Keras 3.15.1": whose mask rules the summary applies. */
  keras: z.string(),
  model: runtimeModelSchema,
  summary: savedModelSummarySchema,
});
export type InspectResult = z.infer<typeof inspectResultSchema>;
