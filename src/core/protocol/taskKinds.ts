/**
 * The task kinds the pool runs, each with the schemas its request and result must satisfy.
 * The host validates what it sends, the worker validates what it receives, and the host
 * validates what comes back: nothing crosses a thread boundary unchecked.
 */
import type { z } from 'zod';
import { probeRequestSchema, probeResultSchema } from './probe';
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
  compare: { request: compareRequestSchema, result: compareResultSchema },
  train: { request: trainRequestSchema, result: trainResultSchema },
} as const;

export type RegisteredKind = keyof typeof TASK_SCHEMAS;
export type RequestOf<K extends RegisteredKind> = z.input<(typeof TASK_SCHEMAS)[K]['request']>;
export type ResultOf<K extends RegisteredKind> = z.infer<(typeof TASK_SCHEMAS)[K]['result']>;
export type AnyRequest = { [K in RegisteredKind]: RequestOf<K> }[RegisteredKind];
