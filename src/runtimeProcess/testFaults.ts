/**
 * The runtime process's side of the probe's test faults (the crashes themselves happen in a
 * worker, src/worker/probe.ts). `malformed-reply` answers a task with messages that break the
 * protocol, so tests can show the extension host rejects them without harm. Honoured only when
 * the process runs with MASKLENS_TEST_HOOKS=1; otherwise the request goes to a worker like any
 * other probe, which refuses it with a clear error.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { z } from 'zod';
import { RUNTIME_METHODS } from '../core/protocol/runtimeProcess';

export function testHooksEnabled(): boolean {
  return process.env.MASKLENS_TEST_HOOKS === '1';
}

const malformedReplyRequest = z.object({ kind: z.literal('probe'), testFault: z.literal('malformed-reply') });

export function asksForMalformedReply(request: unknown): boolean {
  return testHooksEnabled() && malformedReplyRequest.safeParse(request).success;
}

/** Sends what a broken runtime process might: a message that is no JSON-RPC, bad notifications, and a result of the wrong shape. */
export function answerMalformed(connection: MessageConnection, taskId: number): unknown {
  process.send?.({ masklens: 'not a JSON-RPC message' });
  void connection.sendNotification(RUNTIME_METHODS.progress, {
    taskId,
    event: { type: 'progress', fraction: 7, message: 'a fraction above 1' },
  });
  void connection.sendNotification(RUNTIME_METHODS.state, { workers: 'several' });
  return { kind: 'probe', backend: 'not a backend report' };
}
