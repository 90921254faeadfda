/**
 * Workloads whose Keras side runs in a fresh Python process per measurement (W6, W7: a process's
 * peak memory only ever grows, so each evaluation gets its own): the script run on Keras with
 * TensorFlow and with JAX, and the peak resident memory of MaskLens' runtime process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SideSamples } from './alternate';
import type { BenchContext } from './context';

export type ScriptReply = Record<string, unknown>;

/** `bench/keras/<script> ...args` on Keras with TensorFlow (.venv) or JAX (the bench's JAX venv); its last JSON line. */
export function runKerasScript(
  ctx: BenchContext,
  script: string,
  args: string[],
  backend: 'tensorflow' | 'jax' = 'tensorflow',
): ScriptReply {
  const python = backend === 'jax' ? ctx.jaxPython() : ctx.python;
  const run = spawnSync(python, [join(ctx.root, 'bench', 'keras', script), ...args], {
    cwd: join(ctx.root, 'bench', 'keras'),
    env: { ...ctx.env, KERAS_BACKEND: backend },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0)
    throw new Error(`${script} ${args[0]} (${backend}): ${run.stderr.split('\n').slice(-6).join('\n')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ScriptReply;
}

export interface KerasEvaluation {
  ms: number;
  loss: number;
  peak: number;
}

/** One evaluate on each Keras backend, as samples for `compared` (a failure recorded as that side's error). */
export function kerasOnBothBackends(
  ctx: BenchContext,
  script: string,
  args: string[],
): { sides: Record<'keras' | 'keras-jax', SideSamples>; runs: Record<'keras' | 'keras-jax', KerasEvaluation | null> } {
  const sides = {} as Record<'keras' | 'keras-jax', SideSamples>;
  const runs = {} as Record<'keras' | 'keras-jax', KerasEvaluation | null>;
  for (const [key, backend] of [
    ['keras', 'tensorflow'],
    ['keras-jax', 'jax'],
  ] as const) {
    try {
      const k = runKerasScript(ctx, script, args, backend);
      const run = { ms: Number(k.seconds) * 1000, loss: Number(k.loss), peak: Number(k.peak_rss_bytes) };
      runs[key] = run;
      sides[key] = { metrics: { ms: [run.ms], peakRssBytes: [run.peak] }, error: null };
    } catch (error) {
      runs[key] = null;
      sides[key] = { metrics: {}, error: error instanceof Error ? error.message : String(error) };
    }
  }
  return { sides, runs };
}

/** The peak resident memory of a process so far (Linux: VmHWM), in bytes. */
export function peakRss(pid: number): number | null {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}
