/**
 * How many workers, and how many TensorFlow threads each: the pool must not oversubscribe
 * the cores (two workers each spinning up a full-width intra-op pool on a 2-core machine
 * would fight each other and run slower than one).
 */
import * as os from 'node:os';

export interface ThreadPlan {
  workers: number;
  intraOpThreads: number;
  interOpThreads: number;
  cores: number;
}

export function planThreads(
  requestedWorkers: number,
  cores = os.availableParallelism?.() ?? os.cpus().length,
): ThreadPlan {
  const workers = requestedWorkers > 0 ? requestedWorkers : Math.max(1, Math.min(2, cores));
  return {
    workers,
    intraOpThreads: Math.max(1, Math.floor(cores / workers)),
    interOpThreads: 1,
    cores,
  };
}

/**
 * TensorFlow reads these from the process environment (getenv, not Node's per-worker copy)
 * when its first context starts, so they are set in the pool's own process before any worker
 * loads tfjs-node. A value the user already exported wins.
 */
export function applyTensorFlowThreadEnv(plan: ThreadPlan, env: NodeJS.ProcessEnv = process.env): void {
  env.TF_NUM_INTRAOP_THREADS ??= String(plan.intraOpThreads);
  env.TF_NUM_INTEROP_THREADS ??= String(plan.interOpThreads);
  env.OMP_NUM_THREADS ??= String(plan.intraOpThreads);
  env.TF_CPP_MIN_LOG_LEVEL ??= '2'; // keep TensorFlow's banner out of the output channel
}
