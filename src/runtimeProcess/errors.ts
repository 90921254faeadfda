/** The errors a task gets from the runtime process's client besides the pool's own (src/pool/errors.ts). */
import { PoolTaskError } from '../pool/errors';
import { describeTask, type TaskLabel } from './crash';

/** The runtime process died while this task ran or waited in its queue. */
export class RuntimeProcessCrashedError extends PoolTaskError {
  constructor(
    /** How the process ended, e.g. "SIGABRT: oneDNN error: could not create a primitive". */
    readonly ending: string,
    task: TaskLabel,
  ) {
    super(
      `TensorFlow's process stopped (${ending}) while ${describeTask(task)}. The extension is fine; the next task starts a new process.`,
      'runtime-crashed',
    );
    this.name = 'RuntimeProcessCrashedError';
  }
}

/** The runtime process sent something that breaks the protocol; the task it concerns fails. */
export class RuntimeProtocolError extends PoolTaskError {
  constructor(detail: string) {
    super(`TensorFlow's process sent a malformed message: ${detail}`, 'protocol');
    this.name = 'RuntimeProtocolError';
  }
}

/** No runtime process can serve the task: it could not start, or it crashed too often. */
export class RuntimeUnavailableError extends PoolTaskError {
  constructor(message: string) {
    super(message, 'runtime-unavailable');
    this.name = 'RuntimeUnavailableError';
  }
}
