/**
 * W2 cold: time to the first result from a fresh process — `masklens evaluate FILE --json`
 * (the shipped CLI bundle: parse, analyse, load native TensorFlow, build, evaluate, print)
 * against a fresh Python that imports Keras, builds the same model and evaluates it.
 * Both are timed from spawn to exit by the harness.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { alternate } from '../harness/alternate';
import type { BenchContext } from '../harness/context';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';

function timeProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
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
  const masklens = (): Promise<number> =>
    timeProcess(process.execPath, [join(ctx.root, 'dist', 'cli.js'), 'evaluate', example, '--json'], ctx.root, ctx.env);
  const keras = (): Promise<number> =>
    timeProcess(ctx.python, [join(ctx.root, 'bench', 'keras', 'cold_seed001.py')], ctx.root, ctx.env);
  ctx.log('  warm-up (excluded): one run of each, so both start from a warm file-system cache');
  await masklens().catch(() => undefined);
  await keras().catch(() => undefined);
  const got = await alternate(
    [
      { side: 'masklens', run: async () => ({ wallMs: await masklens() }) },
      { side: 'keras', run: async () => ({ wallMs: await keras() }) },
    ],
    ctx.policy,
    ctx.log,
  );
  const m = summarize(got.masklens.metrics.wallMs ?? []);
  const k = summarize(got.keras.metrics.wallMs ?? []);
  const ratio = m && k ? m.median / k.median : null;
  return [
    {
      workload: 'W2',
      measure: 'cold: fresh process to first result',
      how: `MaskLens: node dist/cli.js evaluate ${example} --json; Keras: python bench/keras/cold_seed001.py (import Keras, build, compile, evaluate); spawn to exit`,
      masklens: side(got.masklens.metrics.wallMs, got.masklens.error, summarize),
      keras: side(got.keras.metrics.wallMs, got.keras.error, summarize),
      ratio,
      target: { text: 'MaskLens/Keras ≤ 0.5', met: ratio === null ? null : ratio <= 0.5 },
      notes: [],
    },
  ];
}
