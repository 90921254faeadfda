/**
 * W5: 8 evaluate tasks (seed 002's model on the extension's default synthetic data) on a
 * 1-worker and on a 2-worker pool, each in a fresh process, alternating, in the pool's steady
 * state (see scaling-child.ts for the warm-up and the rounds). Throughput ratio =
 * (tasks / wall time with 2 workers) / (tasks / wall time with 1) = median(1) / median(2).
 *
 * The pool gives each worker cores / workers TensorFlow threads, so the 1-worker pool already
 * runs each task on both cores; the better TensorFlow parallelises one task, the less a second
 * worker can add. A third side, 1 worker held to 1 TensorFlow thread as each worker of the
 * 2-worker pool is, measures the pool's own scaling with the workers' work held equal.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alternate } from '../harness/alternate';
import { type BenchContext, withoutPinnedThreads } from '../harness/context';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';

const run = promisify(execFile);

/** The pool process's peak RSS over its timed rounds (each child reports its own), highest of the runs. */
const highestRss = (values: number[] | undefined): number | null =>
  values && values.length > 0 ? Math.max(...values) : null;

function crashNote(crashes: string[]): string[] {
  return crashes.length ? [`${crashes.length} run(s) crashed and are not in the timings: ${crashes.join('; ')}.`] : [];
}

/** Said when it is so: a lone worker's second TensorFlow thread costing time flatters the 2-worker ratio. */
function secondThreadNote(twoThreads: number | null, oneThread: number | null): string[] {
  if (twoThreads === null || oneThread === null || oneThread >= twoThreads) return [];
  return [
    `on this machine the lone worker is faster with 1 TensorFlow thread than with the 2 the pool's plan gives it (median ${oneThread.toFixed(0)} vs ${twoThreads.toFixed(0)} ms), so part of this ratio is that second thread's cost; with equal workers the ratio is the next row's`,
  ];
}

export async function scalingWorkload(ctx: BenchContext): Promise<Row[]> {
  // Let each child's pool choose its own threads per worker, as the extension's pool does.
  const env = withoutPinnedThreads(ctx.env);
  // A crashed child is a finding about the pool, not a harness error: it is counted, with its
  // exit code or signal, and the side keeps being measured.
  const crashes: Record<string, string[]> = { '1 worker': [], '2 workers': [], '1 worker, 1 thread': [] };
  const child = async (
    workers: number,
    label: string,
    tfThreads?: number,
  ): Promise<{ wallMs: number; peakRssBytes: number | null } | null> => {
    try {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', join(ctx.root, 'bench', 'workloads', 'scaling-child.ts'), String(workers)],
        {
          cwd: ctx.root,
          env: tfThreads
            ? { ...env, TF_NUM_INTRAOP_THREADS: String(tfThreads), OMP_NUM_THREADS: String(tfThreads) }
            : env,
          maxBuffer: 1 << 20,
        },
      );
      const line = stdout.trim().split('\n').pop() ?? '';
      return JSON.parse(line) as { wallMs: number; peakRssBytes: number | null };
    } catch (error) {
      const e = error as { code?: number | string; signal?: string | null; stderr?: string };
      const why = e.signal ? `killed by ${e.signal}` : `exit code ${String(e.code)}`;
      const last = (e.stderr ?? '')
        .split('\n')
        .filter((l) => l.trim() && !/^I0000|^WARNING: All log/.test(l))
        .pop();
      crashes[label].push(`${why}${last ? ` (${last.slice(0, 200)})` : ''}`);
      ctx.log(`    ${label}: the child process failed, ${why}`);
      return null;
    }
  };
  const measured = async (workers: number, label: string, tfThreads?: number): Promise<Record<string, number>> => {
    const r = await child(workers, label, tfThreads);
    if (r === null) return {};
    return r.peakRssBytes === null ? { wallMs: r.wallMs } : { wallMs: r.wallMs, peakRssBytes: r.peakRssBytes };
  };
  const got = await alternate(
    [
      { side: '1 worker', run: () => measured(1, '1 worker') },
      { side: '2 workers', run: () => measured(2, '2 workers') },
      { side: '1 worker, 1 thread', run: () => measured(1, '1 worker, 1 thread', 1) },
    ],
    ctx.policy,
    ctx.log,
  );
  const one = summarize(got['1 worker'].metrics.wallMs ?? []);
  const two = summarize(got['2 workers'].metrics.wallMs ?? []);
  const oneThread = summarize(got['1 worker, 1 thread'].metrics.wallMs ?? []);
  const ratio = one && two ? one.median / two.median : null;
  const equalRatio = oneThread && two ? oneThread.median / two.median : null;
  const how =
    "8 evaluate tasks submitted at once (seed 002 model, 8 synthetic samples × 362 steps each), timed to the last result; per fresh process: 30 warm-up tasks per worker first (a worker's task time settles only after ~15 tasks: its isolate compiles and tiers up its own code; BENCH_W5_WARMUP), then 7 rounds of 8 tasks (BENCH_W5_ROUNDS), the median round is one sample; TensorFlow threads per worker = cores / workers (the pool's plan)";
  return [
    {
      workload: 'W5',
      measure: '8 evaluate tasks, 1 worker',
      how,
      masklens: side(got['1 worker'].metrics.wallMs, got['1 worker'].error, summarize),
      peakRss: { masklens: highestRss(got['1 worker'].metrics.peakRssBytes), keras: null, kerasJax: null },
      keras: null,
      ratio: null,
      target: null,
      notes: crashNote(crashes['1 worker']),
    },
    {
      workload: 'W5',
      measure: '8 evaluate tasks, 2 workers',
      how,
      masklens: side(got['2 workers'].metrics.wallMs, got['2 workers'].error, summarize),
      peakRss: { masklens: highestRss(got['2 workers'].metrics.peakRssBytes), keras: null, kerasJax: null },
      keras: null,
      ratio,
      target: { text: 'throughput 2 workers / 1 worker ≥ 1.7', met: ratio === null ? null : ratio >= 1.7 },
      notes: [
        ...crashNote(crashes['2 workers']),
        'ratio here = throughput with 2 workers / throughput with 1 worker = median(1 worker) / median(2 workers)',
        ...secondThreadNote(one?.median ?? null, oneThread?.median ?? null),
      ],
    },
    {
      workload: 'W5',
      measure: '8 evaluate tasks, 1 worker with 1 TensorFlow thread',
      how: `${how}; here the single worker is held to 1 TensorFlow thread (TF_NUM_INTRAOP_THREADS=1), as each worker of the 2-worker pool has`,
      masklens: side(got['1 worker, 1 thread'].metrics.wallMs, got['1 worker, 1 thread'].error, summarize),
      peakRss: { masklens: highestRss(got['1 worker, 1 thread'].metrics.peakRssBytes), keras: null, kerasJax: null },
      keras: null,
      ratio: equalRatio,
      target: null,
      notes: [
        ...crashNote(crashes['1 worker, 1 thread']),
        "ratio here = throughput of the 2-worker pool / throughput of this 1-thread worker = median(this row) / median(2 workers): the pool's scaling with equal workers",
      ],
    },
  ];
}
