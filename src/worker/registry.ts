/**
 * Which function runs each task kind, and the one check of a request where it enters: a worker
 * thread (from the pool) or, for the CLI and tests, this process. The task functions behind it
 * take the parsed request and do not check it again.
 */
import { z } from 'zod';
import { probeRequestSchema } from '../core/protocol/probe';
import { compareRequestSchema, evaluateRequestSchema, trainRequestSchema } from '../core/protocol/runtimeTasks';
import type { TaskContext } from '../core/protocol/task';
import { checkRequest, type RegisteredKind, type RequestOf, type ResultOf } from '../core/protocol/taskKinds';
import { probeTask } from './probe';
import { inspectRequestSchema } from '../core/protocol/inspect';
import { inspectTask } from './inspect';
import { compareTask, evaluateShardTask, evaluateTask, trainTask } from './tasks';
import { evaluateShardRequestSchema } from '../core/protocol/evaluateShard';

const RUN: { [K in RegisteredKind]: (request: unknown, ctx: TaskContext) => Promise<ResultOf<K>> } = {
  probe: (request, ctx) => probeTask(checkRequest(probeRequestSchema, request, 'probe'), ctx),
  evaluate: (request, ctx) => evaluateTask(checkRequest(evaluateRequestSchema, request, 'evaluate'), ctx),
  evaluateShard: (request, ctx) =>
    evaluateShardTask(checkRequest(evaluateShardRequestSchema, request, 'evaluateShard'), ctx),
  compare: (request, ctx) => compareTask(checkRequest(compareRequestSchema, request, 'compare'), ctx),
  train: (request, ctx) => trainTask(checkRequest(trainRequestSchema, request, 'train'), ctx),
  inspect: (request) => Promise.resolve(inspectTask(checkRequest(inspectRequestSchema, request, 'inspect'))),
};

function isTaskKind(kind: string): kind is RegisteredKind {
  return Object.hasOwn(RUN, kind);
}

/** The kind a received request names, if MaskLens runs such tasks. */
export function kindOf(request: unknown): RegisteredKind | null {
  const named = z.object({ kind: z.string() }).safeParse(request);
  return named.success && isTaskKind(named.data.kind) ? named.data.kind : null;
}

/** Runs a request of a known kind that arrived from elsewhere (a worker thread's message). */
export function runReceivedTask(
  kind: RegisteredKind,
  request: unknown,
  ctx: TaskContext,
): Promise<ResultOf<RegisteredKind>> {
  return RUN[kind](request, ctx);
}

/** Runs a task in this process (the CLI, tests, benchmarks), with the same check a worker makes. */
export function runTask<K extends RegisteredKind>(
  request: RequestOf<K> & { kind: K },
  ctx: TaskContext,
): Promise<ResultOf<K>> {
  return RUN[request.kind](request, ctx);
}
