/**
 * The task kinds the pool runs, each with the schemas its request and result must satisfy.
 * Whoever receives a request or a result across a boundary (the runtime process from the
 * host, a worker thread from the pool, the host from the process; the CLI from its command
 * line) checks it once, with these schemas; code behind that check takes the parsed types.
 */
import type { z } from 'zod';
import { UserFacingError } from './task';
import { probeRequestSchema, probeResultSchema } from './probe';
import { inspectRequestSchema, inspectResultSchema } from './inspect';
import { evaluateShardRequestSchema, evaluateShardResultSchema } from './evaluateShard';
import {
  compareRequestSchema,
  compareResultSchema,
  evaluateRequestSchema,
  evaluateResultSchema,
  trainRequestSchema,
  trainResultSchema,
} from './runtimeTasks';

export const TASK_SCHEMAS = {
  probe: { request: probeRequestSchema, result: probeResultSchema },
  evaluate: { request: evaluateRequestSchema, result: evaluateResultSchema },
  /** A shard of an evaluation the pool splits between its workers (src/pool/evaluateShards.ts). */
  evaluateShard: { request: evaluateShardRequestSchema, result: evaluateShardResultSchema },
  compare: { request: compareRequestSchema, result: compareResultSchema },
  train: { request: trainRequestSchema, result: trainResultSchema },
  inspect: { request: inspectRequestSchema, result: inspectResultSchema },
} as const;

export type RegisteredKind = keyof typeof TASK_SCHEMAS;
export type RequestOf<K extends RegisteredKind> = z.input<(typeof TASK_SCHEMAS)[K]['request']>;
export type ResultOf<K extends RegisteredKind> = z.infer<(typeof TASK_SCHEMAS)[K]['result']>;
export type AnyRequest = { [K in RegisteredKind]: RequestOf<K> }[RegisteredKind];
export type ParsedRequestOf<K extends RegisteredKind> = z.output<(typeof TASK_SCHEMAS)[K]['request']>;

/** A request checked against its kind's schema, or a protocol error naming its first three problems. */
export function checkRequest<S extends z.ZodType>(schema: S, request: unknown, kind: string): z.output<S> {
  const r = schema.safeParse(request);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
  throw new UserFacingError(`Invalid ${kind} request: ${issues.join('; ')}`, 'protocol');
}
