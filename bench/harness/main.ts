/**
 * `npm run bench` (via bench/run.mjs, after the build): runs the benchmark workloads in MaskLens and in
 * Keras on TensorFlow and on JAX, writes bench/results.json and BENCHMARKS.md.
 *
 * Environment: BENCH_REPS (repetitions wanted, default 5), BENCH_MIN_REPS (default 3),
 * BENCH_BUDGET_S (seconds per workload after which no new repetition starts once the minimum
 * is done, default 100), BENCH_ONLY=W1,W3 (a subset; its results go to
 * bench/results.partial.json and leave BENCHMARKS.md alone), BENCH_PYTHON (default .venv/bin/python),
 * BENCH_JAX_PYTHON (an interpreter with JAX and Keras; default: .cache/bench-jax-venv, installed on
 * first use from bench/requirements-jax.lock).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaskLensPool } from '../../src/pool/pool';
import { planThreads } from '../../src/pool/threads';
import { RuntimeClient } from '../../src/runtimeProcess/client';
import type { BenchContext, Workload } from './context';
import { w1ForwardPerSample, w2ForwardPerSample, w3ForwardPerSample, w8ForwardPerSample } from './flops';
import { jaxPython } from './jaxVenv';
import { KerasServer } from './keras';
import { describeMachine, roundedLoad } from './machine';
import { markdown } from './report';
import type { Results, Row } from './results';
import { analysisWorkload } from '../workloads/analysis';
import { coldWorkload } from '../workloads/cold';
import { evaluateWorkload } from '../workloads/evaluate';
import { scalingWorkload } from '../workloads/scaling';
import { streamEvaluateWorkload } from '../workloads/streamEvaluate';
import { bucketedEvaluateWorkload } from '../workloads/bucketedEvaluate';
import { trainingWorkload } from '../workloads/training';

const root = join(__dirname, '..', '..');
const intEnv = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

const W2_WARM = {
  workload: 'W2' as const,
  key: 'w2' as const,
  measure: 'warm: evaluate through the started pool',
  via: 'runtime process' as const,
  source: 'examples/seed001_embedding_dense_mse.py',
  samples: 1,
  forwardFlopsPerSample: w2ForwardPerSample(),
  target: { text: '< 100 ms', maxMs: 100 },
};
const W1_EVAL = {
  workload: 'W1' as const,
  key: 'w1' as const,
  measure: 'evaluate, 25 samples',
  via: 'pool' as const,
  source: 'bench/models/w1_seed002.py',
  files: { x: 'w1_x_test', y: 'w1_y_test' },
  samples: 25,
  forwardFlopsPerSample: w1ForwardPerSample(),
};

/** Each workload's parts, run in this order; a part that throws becomes a failed row, the others still run. */
const WORKLOADS: [Row['workload'], [string, Workload][]][] = [
  ['W4', [['analysis', analysisWorkload]]],
  [
    'W2',
    [
      ['cold', coldWorkload],
      ['warm', (ctx) => evaluateWorkload(ctx, W2_WARM)],
    ],
  ],
  [
    'W1',
    [
      [
        'training',
        (ctx) =>
          trainingWorkload(ctx, {
            workload: 'W1',
            key: 'w1',
            source: 'bench/models/w1_seed002.py',
            x: 'w1_x_train',
            y: 'w1_y_train',
            batchSize: 15,
            samples: 75,
            lossText: 'mae',
            forwardFlopsPerSample: w1ForwardPerSample(),
            cold: true,
          }),
      ],
      ['evaluate', (ctx) => evaluateWorkload(ctx, W1_EVAL)],
    ],
  ],
  [
    'W3',
    [
      [
        'training',
        (ctx) =>
          trainingWorkload(ctx, {
            workload: 'W3',
            key: 'w3',
            source: 'bench/models/w3_tagger.py',
            x: 'w3_x',
            y: 'w3_y',
            batchSize: 32,
            samples: 2000,
            lossText: 'sparse categorical cross-entropy',
            forwardFlopsPerSample: w3ForwardPerSample(),
            cold: false,
          }),
      ],
    ],
  ],
  [
    'W8',
    [
      [
        'training',
        (ctx) =>
          trainingWorkload(ctx, {
            workload: 'W8',
            key: 'w8',
            source: 'bench/models/w8_gru_tagger.py',
            x: 'w8_x',
            y: 'w8_y',
            batchSize: 32,
            samples: 2000,
            lossText: 'sparse categorical cross-entropy (GRU tagger, sentence-like lengths: median 39 of 200 steps)',
            forwardFlopsPerSample: w8ForwardPerSample(),
            cold: false,
          }),
      ],
    ],
  ],
  ['W5', [['pool scaling', scalingWorkload]]],
  ['W6', [['streamed evaluation', streamEvaluateWorkload]]],
  ['W7', [['bucketed evaluation', bucketedEvaluateWorkload]]],
];

async function main(): Promise<void> {
  const started = { date: new Date(), loadAverage: roundedLoad() };
  const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim().toUpperCase()) : null;
  const policy = {
    reps: intEnv('BENCH_REPS', 5),
    minReps: Math.min(intEnv('BENCH_MIN_REPS', 3), intEnv('BENCH_REPS', 5)),
    budgetMs: intEnv('BENCH_BUDGET_S', 100) * 1000,
  };
  const python = process.env.BENCH_PYTHON ?? join(root, '.venv', 'bin', 'python');
  const log = (line: string): void => void process.stdout.write(`${line}\n`);

  // W1–W3: one worker with the whole machine; Keras gets the same thread counts.
  const plan = planThreads(1);
  const intra = intEnv('TF_NUM_INTRAOP_THREADS', plan.intraOpThreads);
  const inter = intEnv('TF_NUM_INTEROP_THREADS', plan.interOpThreads);
  Object.assign(process.env, {
    TF_NUM_INTRAOP_THREADS: String(intra),
    TF_NUM_INTEROP_THREADS: String(inter),
    OMP_NUM_THREADS: String(intra),
    BENCH_THREADS: String(intra),
    TF_CPP_MIN_LOG_LEVEL: '3',
    CUDA_VISIBLE_DEVICES: '-1',
  });
  const env = { ...process.env };

  const dataDir = mkdtempSync(join(tmpdir(), 'masklens-bench-'));
  let pool: MaskLensPool | null = null;
  let runtime: RuntimeClient | null = null;
  let keras: KerasServer | null = null;
  let prepared: { versions: Record<string, string>; peak: number | null } | null = null;
  let jax: Promise<KerasServer> | null = null;
  let jaxVersions: Record<string, string> = {};
  let jaxInterpreter: { python: string } | { error: Error } | null = null;
  const ctx: BenchContext = {
    root,
    dataDir,
    python,
    env,
    policy,
    log,
    async pool() {
      if (!pool) {
        pool = new MaskLensPool({ workerFile: join(root, 'dist', 'worker.js'), workers: 1, maxQueue: 4 });
        await pool.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result; // loads TensorFlow in the worker
      }
      return pool;
    },
    async runtime() {
      if (!runtime) {
        runtime = new RuntimeClient({
          runtimeFile: join(root, 'dist', 'runtime.js'),
          settings: { workers: 1, maxQueue: 4, memoryCapMB: 2048 },
          env,
        });
        await runtime.run({ kind: 'probe', workMs: 0, matrixSize: 8 }).result; // starts the process and loads TensorFlow in its worker
      }
      return runtime;
    },
    async keras() {
      if (!keras) {
        keras = new KerasServer(root, python, env, 'TensorFlow');
        log('  Keras: generating data, building models, exporting initial weights, measuring the matmul peak');
        const p = await keras.request('prepare', { dir: dataDir });
        const peak = await keras.request('peak');
        prepared = { versions: p.versions as Record<string, string>, peak: Number(peak.flops) };
      }
      return keras;
    },
    kerasJax() {
      // Started once; a failure (no venv, no wheels) is kept and given to every caller.
      jax ??= (async () => {
        await ctx.keras(); // the TensorFlow server writes the data and the initial weights first
        const server = new KerasServer(root, ctx.jaxPython(), { ...env, KERAS_BACKEND: 'jax' }, 'JAX');
        log('  Keras on JAX: loading the same data and initial weights');
        const p = await server.request('prepare', { dir: dataDir, load: true });
        jaxVersions = p.versions as Record<string, string>;
        return server;
      })();
      return jax;
    },
    jaxPython() {
      // Found (or installed) once; a failure is kept and given to every caller.
      if (!jaxInterpreter) {
        try {
          jaxInterpreter = { python: jaxPython(root, log) };
        } catch (error) {
          jaxInterpreter = { error: error instanceof Error ? error : new Error(String(error)) };
        }
      }
      if ('error' in jaxInterpreter) throw jaxInterpreter.error;
      return jaxInterpreter.python;
    },
  };

  const rows: Row[] = [];
  const t0 = performance.now();
  try {
    // Data, weights and the peak are needed by every Keras-side workload and by the table. W4
    // (MaskLens only, timed in milliseconds) runs before the TensorFlow process starts, so no
    // process of the harness's own competes with it for the two cores.
    const prepareKeras = async (): Promise<void> => {
      if (!keras)
        await ctx
          .keras()
          .catch((e: unknown) => log(`Keras side unavailable: ${e instanceof Error ? e.message : String(e)}`));
    };
    for (const [id, parts] of WORKLOADS) {
      if (only && !only.includes(id)) continue;
      if (id !== 'W4') await prepareKeras();
      if (id !== 'W2' && runtime) {
        // Only W2 warm runs through the runtime process; it would only hold memory after that.
        await (runtime as RuntimeClient).close();
        runtime = null;
      }
      if (id === 'W5' && pool) {
        // W5 makes its own pools in fresh processes; the W1–W3 pool would only hold memory.
        await (pool as MaskLensPool).close();
        pool = null;
      }
      const started = performance.now();
      for (const [part, workload] of parts) {
        log(`${id} ${part}`);
        try {
          rows.push(...(await workload(ctx)));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log(`  ${id} ${part} failed: ${message}`);
          rows.push({
            workload: id,
            measure: `${part}: failed to run`,
            how: 'the harness could not run this part',
            masklens: { summary: null, error: message },
            keras: null,
            ratio: null,
            target: null,
            notes: [],
          });
        }
      }
      log(`  ${id} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    await prepareKeras();
  } finally {
    if (pool) await (pool as MaskLensPool).close();
    if (runtime) await (runtime as RuntimeClient).close();
    (keras as KerasServer | null)?.close();
    if (jax) (await (jax as Promise<KerasServer>).catch(() => null))?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const p = prepared as { versions: Record<string, string>; peak: number | null } | null;
  const results: Results = {
    machine: describeMachine(
      root,
      started,
      { ...(p?.versions ?? {}), ...(jaxVersions.jax ? { jax: jaxVersions.jax } : {}) },
      { masklensWorkersW1toW3: 1, intraOp: intra, interOp: inter },
      p?.peak ?? null,
    ),
    settings: { reps: policy.reps, minReps: policy.minReps, budgetSecondsPerWorkload: policy.budgetMs / 1000, only },
    rows,
  };
  const table = markdown(results);
  if (only) {
    writeFileSync(join(root, 'bench', 'results.partial.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(`\n${table}\n(BENCH_ONLY: wrote bench/results.partial.json; BENCHMARKS.md and bench/results.json untouched)`);
  } else {
    writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(root, 'BENCHMARKS.md'), table);
    log(`\n${table}\nwrote bench/results.json and BENCHMARKS.md`);
  }
  log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
