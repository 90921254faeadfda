/**
 * What crosses the thread boundary: a task goes in with its progress port and cancel flag,
 * and exactly one reply comes back. Errors travel as data so their code and location survive
 * structured cloning (a thrown Error loses its subclass on the way).
 */
import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';

export const errorReplySchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string(),
  location: z.string().optional(),
});
export type ErrorReply = z.infer<typeof errorReplySchema>;

export const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorReplySchema }),
]);
export type Reply = z.infer<typeof replySchema>;

/** The message Piscina delivers to a worker; `request` is validated there by its kind's schema. */
export interface TaskMessage {
  request: unknown;
  /** Int32Array over a SharedArrayBuffer: index 0 becomes 1 when the caller asks to stop. */
  cancelFlag: SharedArrayBuffer;
  progressPort: MessagePort;
}

/**
 * The last message a worker posts on a task's progress port. Piscina returns the reply on
 * another channel, which can overtake the port's messages; the pool resolves a task only once
 * this marker arrived, so every progress event of the task reaches the caller before its result.
 */
export const taskEndSchema = z.object({ type: z.literal('task-end') });
export const TASK_END: z.infer<typeof taskEndSchema> = { type: 'task-end' };
