/** Errors the pool hands to its callers, each saying what happened in words a user can act on. */

export class PoolTaskError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'PoolTaskError';
  }
}

/** The worker running the task died (crash, out of memory, terminated): only this task fails. */
export class WorkerCrashedError extends PoolTaskError {
  constructor(detail: string) {
    super(
      `The MaskLens worker running this task stopped unexpectedly (${detail}). The task was abandoned; the pool replaces the worker and other tasks continue.`,
      'worker-crashed',
    );
    this.name = 'WorkerCrashedError';
  }
}

export class TaskCancelled extends PoolTaskError {
  constructor(reason = 'cancelled') {
    super(`Task ${reason}.`, 'cancelled');
    this.name = 'TaskCancelled';
  }
}

/** The task ran past its time limit and was stopped (cooperatively, or by terminating its worker). */
export class TaskTimedOut extends PoolTaskError {
  constructor(kind: string, seconds: number) {
    super(
      `${kind} stopped after ${Number(seconds.toPrecision(3))} s (setting masklens.taskTimeoutSeconds)`,
      'task-timeout',
    );
    this.name = 'TaskTimedOut';
  }
}

export class QueueFullError extends PoolTaskError {
  constructor(limit: number) {
    super(
      `MaskLens is already running and queueing ${limit} tasks; wait for one to finish or cancel it.`,
      'queue-full',
    );
    this.name = 'QueueFullError';
  }
}

/** The worker answered with something that does not match the protocol. */
export class ProtocolError extends PoolTaskError {
  constructor(detail: string) {
    super(`The worker sent a malformed message: ${detail}`, 'protocol');
    this.name = 'ProtocolError';
  }
}

/**
 * An error that travelled as data (its message, code and location) back into its class, so
 * callers on the far side of a process boundary can tell a cancellation from a failure.
 */
export function poolErrorFromData(message: string, code: string, location?: string): PoolTaskError {
  const error =
    code === 'cancelled'
      ? new TaskCancelled()
      : code === 'task-timeout'
        ? new TaskTimedOut('task', 0)
        : code === 'worker-crashed'
          ? new WorkerCrashedError('')
          : code === 'queue-full'
            ? new QueueFullError(0)
            : code === 'protocol'
              ? new ProtocolError('')
              : new PoolTaskError(message, code, location);
  error.message = message; // the original words, not the ones the constructor would make up
  return error;
}
