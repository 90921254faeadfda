/**
 * One shard of an evaluation split between pool workers: the evaluate request with the shard's
 * place among the shards, and what the shard returns: its reduction state, what the result
 * says of the session that ran it, and what the pool needs to plan the others.
 */
import { z } from 'zod';
import { evaluationStateSchema } from '../runtime/evaluationState';
import { backendInfoSchema } from './probe';
import { dataInfoSchema, evaluateRequestSchema, familySchema, weightsUsedSchema } from './runtimeTasks';

export const evaluateShardRequestSchema = evaluateRequestSchema.extend({
  kind: z.literal('evaluateShard'),
  /**
   * Shard `index` of at most `of`. Shard 0 decides how many run (one when splitting would not be
   * exact or would not pay: it then evaluates every sample) and announces it in a `shards`
   * progress event; the others start from it and each cuts its own rows the same way.
   */
  shard: z.object({ index: z.number().int().min(0), of: z.number().int().min(1) }),
});
export type EvaluateShardRequest = z.input<typeof evaluateShardRequestSchema>;
export type EvaluateShardRequestParsed = z.output<typeof evaluateShardRequestSchema>;

/** What an evaluate result says of the session that ran it: the same in every shard. */
export const evaluationFactsSchema = z.object({
  backendInfo: backendInfoSchema,
  modelOutput: z.object({ name: z.string(), names: z.array(z.string()) }),
  family: familySchema,
  kerasVersion: z.string(),
  data: dataInfoSchema,
  weightsUsed: weightsUsedSchema,
  /** The session's warnings (model, data), before the evaluation's own. */
  warnings: z.array(z.string()),
  loss: z.object({ display: z.string(), custom: z.boolean() }).nullable(),
  batchSize: z.number().int().positive(),
  /** Shown samples, of all. */
  shown: z.array(z.number().int()),
  samples: z.number().int(),
  /** Why the evaluation was not split between workers though it could have been (null: it was, or none asked). */
  notSplit: z.string().nullable(),
});
export type EvaluationFacts = z.infer<typeof evaluationFactsSchema>;

export const evaluateShardResultSchema = z.object({
  kind: z.literal('evaluateShard'),
  state: evaluationStateSchema,
  facts: evaluationFactsSchema,
  tensors: z.object({ before: z.number().int(), after: z.number().int() }),
});
export type EvaluateShardResult = z.infer<typeof evaluateShardResultSchema>;
