/**
 * W2 cold: time to the first result from a fresh process — `masklens evaluate FILE --json`
 * (the shipped CLI bundle: parse, analyse, load native TensorFlow, build, evaluate, print)
 * against a fresh Python that imports Keras, builds the same model and evaluates it.
 * Both are timed from spawn to exit by the harness; Keras runs once per backend (TensorFlow from
 * .venv, JAX from the bench's JAX venv). Peak RSS: GNU time's maximum resident set size of the
 * process, where /usr/bin/time is there (it adds a fork and exec to both sides alike).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, type Metrics } from '../harness/alternate';
import type { BenchContext } from '../harness/context';
import { jaxPython } from '../harness/jaxVenv';
import { compared, type Row } from '../harness/results';

const GNU_TIME = '/usr/bin/time';

/** Spawn to exit, with the process's maximum RSS from GNU time where it is installed. */
async function timeProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Metrics> {
  if (!existsSync(GNU_TIME)) return { wallMs: await timeSpawn(command, args, cwd, env) };
  const dir = mkdtempSync(join(tmpdir(), 'masklens-bench-rss-'));
  try {
    const out = join(dir, 'rss');
    const wallMs = await timeSpawn(GNU_TIME, ['-f', '%M', '-o', out, command, ...args], cwd, env);
    const kb = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
    return Number.isFinite(kb) ? { wallMs, peakRssBytes: kb * 1024 } : { wallMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timeSpawn(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
    });
  });
}

export async function coldWorkload(ctx: BenchContext): Promise<Row[]> {
  const example = 'examples/seed001_embedding_dense_mse.py';
  const masklens = (): Promise<Metrics> =>
    timeProcess(process.execPath, [join(ctx.root, 'dist', 'cli.js'), 'evaluate', example, '--json'], ctx.root, ctx.env);
  const script = join(ctx.root, 'bench', 'keras', 'cold_seed001.py');
  const keras = (): Promise<Metrics> => timeProcess(ctx.python, [script], ctx.root, ctx.env);
  let jax: (() => Promise<Metrics>) | string;
  try {
    const python = jaxPython(ctx.root, ctx.log);
    jax = () => timeProcess(python, [script], ctx.root, { ...ctx.env, KERAS_BACKEND: 'jax' });
  } catch (e) {
    jax = e instanceof Error ? e.message : String(e);
  }
  ctx.log('  warm-up (excluded): one run of each, so all start from a warm file-system cache');
  await masklens().catch(() => undefined);
  await keras().catch(() => undefined);
  if (typeof jax !== 'string') await jax().catch(() => undefined);
  const got = await alternate(
    [
      { side: 'masklens', run: masklens },
      { side: 'keras', run: keras },
      ...(typeof jax === 'string' ? [] : [{ side: 'keras-jax', run: jax }]),
    ],
    ctx.policy,
    ctx.log,
  );
  if (typeof jax === 'string') got['keras-jax'] = { metrics: {}, error: `Keras on JAX unavailable: ${jax}` };
  const c = compared(got, 'wallMs');
  return [
    {
      workload: 'W2',
      measure: 'cold: fresh process to first result',
      how: `MaskLens: node dist/cli.js evaluate ${example} --json; Keras: python bench/keras/cold_seed001.py (import Keras with its backend, build, compile, evaluate); spawn to exit`,
      ...c,
      target: { text: 'MaskLens/faster Keras ≤ 0.5', met: c.ratio === null ? null : c.ratio <= 0.5 },
      notes: [],
    },
  ];
}
