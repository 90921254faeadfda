/**
 * One large evaluation on one worker against the same evaluation split between two (W6's and
 * W7's models and data), alternating A/B in fresh runtime processes: wall time through the
 * runtime client and the process' peak resident memory, with the load average before each run.
 * Each pool sets its own thread plan (one worker: every core; two: half each), so the thread
 * variables must not be exported. Run after `npm run compile`:
 *   node --import tsx bench/split.bench.ts [w6|w7] [samples] [pairs]
 * A benchmark, not a test: it asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeClient } from '../src/runtimeProcess/client';
import { kerasWeightsFor, loadModel } from './harness/masklens';

const root = join(__dirname, '..');
const [which = 'w6', samplesArg, pairsArg] = process.argv.slice(2);
const samples = Number(samplesArg ?? (which === 'w6' ? 4000 : 4000));
const pairs = Number(pairsArg ?? 3);

function peakRss(pid: number): number | null {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'masklens-split-'));
  const python = join(root, '.venv', 'bin', 'python');
  const script = join(root, 'bench', 'keras', which === 'w6' ? 'w6_evaluate.py' : 'w7_evaluate.py');
  const made = JSON.parse(execFileSync(python, [script, 'make', dir, String(samples)], { encoding: 'utf8' })) as {
    x: string;
    y: string;
    weights?: string;
  };
  const { model } = await loadModel(
    join(root, 'bench', 'models', which === 'w6' ? 'w1_seed002.py' : 'w7_bilstm_tagger.py'),
  );
  const weights = made.weights
    ? { source: 'inline' as const, layers: kerasWeightsFor(model, made.weights) }
    : undefined;
  const request = {
    kind: 'evaluate' as const,
    model,
    data: { source: 'file' as const, x: made.x, y: made.y },
    ...(weights ? { weights } : {}),
    layerOutputs: false,
  };
  const rows: string[] = [];
  let reference: number | null = null;
  for (let pair = 0; pair < pairs; pair++) {
    for (const workers of pair % 2 === 0 ? [1, 2] : [2, 1]) {
      const load = loadavg()[0];
      const runtime = new RuntimeClient({
        runtimeFile: join(root, 'dist', 'runtime.js'),
        settings: { workers, maxQueue: 4, memoryCapMB: 2048 },
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '-1' },
      });
      try {
        let message = '';
        let shared = 'one';
        const t0 = performance.now();
        const result = await runtime.run(request, {
          onProgress: (e) => {
            if (e.type === 'progress') message = e.message;
            if (e.type === 'progress' && / on \d+ workers$/.test(e.message)) shared = e.message.replace(/.* on /, '');
          },
        }).result;
        const ms = performance.now() - t0;
        const peak = runtime.pid ? peakRss(runtime.pid) : null;
        const loss = result.kind === 'evaluate' ? (result.loss?.keras.value ?? NaN) : NaN;
        reference ??= loss;
        rows.push(
          `${which} ${samples} workers=${workers} ms=${ms.toFixed(0)} peakMB=${peak ? (peak / 2 ** 20).toFixed(0) : '?'} load1=${load.toFixed(2)} loss=${loss} relDiff=${reference === 0 ? 0 : Math.abs(loss - reference) / Math.abs(reference)} split=${shared} last="${message}"`,
        );
        process.stdout.write(`${rows[rows.length - 1]}\n`);
      } finally {
        await runtime.close();
      }
    }
  }
}

void main();
