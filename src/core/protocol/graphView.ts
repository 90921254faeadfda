/**
 * The model graph view's messages: one model's layers as nodes and their calls as edges, each
 * edge marked with the mask it carries (yes, no, unknown), and the loss as the last node. Both
 * sides validate every message: the names come from user code.
 */
import { z } from 'zod';
import { VIEW_LIMITS } from './viewMessages';

const name = z.string().max(VIEW_LIMITS.name);
const maskStateSchema = z.enum(['yes', 'no', 'unknown']);

export const graphNodeSchema = z.object({
  name,
  className: z.string().max(VIEW_LIMITS.label),
  /** What the layer does to the mask: creates, propagates, destroys, … */
  effect: z.string().max(32),
  /** 0-based line of the layer in the file. */
  line: z.number().int().min(0),
});

export const graphEdgeSchema = z.object({ from: name, to: name, mask: maskStateSchema });

export const modelGraphSchema = z.object({
  file: z.string().max(4096),
  model: name,
  keras: z.string().max(VIEW_LIMITS.label),
  nodes: z.array(graphNodeSchema).max(VIEW_LIMITS.layers),
  edges: z.array(graphEdgeSchema).max(VIEW_LIMITS.layers * 8),
  /** The loss and the mask that reaches it from the model's output. */
  loss: z.object({
    name: z.string().max(VIEW_LIMITS.label).nullable(),
    masked: maskStateSchema,
    perTimestep: z.boolean().nullable(),
  }),
  /** The layers the loss is computed on: those no other layer is called on. */
  outputs: z.array(name),
  /** The model's findings (the same as the file's diagnostics), each on the layer whose line it is on. */
  findings: z
    .array(
      z.object({
        severity: z.enum(['error', 'warning', 'information', 'hint']),
        message: z.string().max(VIEW_LIMITS.message),
        layer: name.nullable(),
      }),
    )
    .max(VIEW_LIMITS.diagnostics),
});
export type ModelGraphView = z.infer<typeof modelGraphSchema>;

export const graphHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('graph'), graph: modelGraphSchema }),
  z.object({ type: z.literal('empty'), message: z.string().max(VIEW_LIMITS.message) }),
]);
export type GraphHostMessage = z.infer<typeof graphHostMessageSchema>;

export const graphWebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The user chose a layer: show it in the source. */
  z.object({ type: z.literal('reveal'), layer: name }),
  /** What the page drew, for tests: counts and its text alternative. */
  z.object({
    type: z.literal('rendered'),
    nodes: z.number().int(),
    edges: z.number().int(),
    text: z.string().max(200_000),
  }),
]);
export type GraphWebviewMessage = z.infer<typeof graphWebviewMessageSchema>;
