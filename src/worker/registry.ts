/** Which function runs each task kind inside a worker. */
import type { TaskContext } from '../core/protocol/task';
import type { RegisteredKind, ResultOf } from '../core/protocol/taskKinds';
import { probeTask } from './probe';
import { compareTask, evaluateTask, trainTask } from './tasks';

type TaskFn<K extends RegisteredKind> = (request: never, ctx: TaskContext) => Promise<ResultOf<K>>;

export const WORKER_TASKS: { [K in RegisteredKind]: TaskFn<K> } = {
  probe: probeTask as TaskFn<'probe'>,
  evaluate: evaluateTask as TaskFn<'evaluate'>,
  compare: compareTask as TaskFn<'compare'>,
  train: trainTask as TaskFn<'train'>,
};
