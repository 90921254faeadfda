/**
 * Where a training step's time goes, for the training workloads' models (W1, W3, W8) built from
 * their bench/models sources as the extension builds them, on synthetic post-padded data of the
 * workloads' shapes and batch sizes. Per step, in this process, each phase timed on its own:
 *   data      — the batch's rows sliced from the session's arrays and made tensors;
 *   forward   — forward pass and loss under training (no gradient recorded);
 *   backward  — tfjs' variableGrads (forward with the tape + backward) minus `forward`;
 *   optimizer — Adam's update of every variable;
 *   sync      — reading the loss back (the per-step host sync the NaN check needs).
 * Then the end-of-epoch loss pass (the masked and unmasked loss over all the samples, as the
 * train task reports it), per sample.
 * tfjs-node runs ops synchronously, so each phase's wall time is its own work.
 * Run: node --import tsx bench/training-profile.bench.ts [W1|W3|W8 …] [--steps N] [--general]
 * (--general: MASKLENS_FUSED_RNN=0). A benchmark, not a test: it asserts nothing.
 */
import { join } from 'node:path';
import { trainRequestSchema } from '../src/core/protocol/runtimeTasks';
import { KerasOptimizer, resolveOptimizer } from '../src/worker/optimizers';
import { openSession, toTensor } from '../src/worker/session';
import { loadTf } from '../src/worker/tf';
import { evaluate } from '../src/worker/evaluation';
import { batchLoss } from '../src/worker/train';
import { loadModel } from './harness/masklens';

const MODELS: Record<string, { source: string; batch: number; samples: number; minLength: number }> = {
  W1: { source: 'bench/models/w1_seed002.py', batch: 15, samples: 75, minLength: 20 },
  W3: { source: 'bench/models/w3_tagger.py', batch: 32, samples: 256, minLength: 10 },
  W8: { source: 'bench/models/w8_gru_tagger.py', batch: 32, samples: 256, minLength: 5 },
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function profile(name: string, steps: number): Promise<void> {
  const spec = MODELS[name];
  const root = join(__dirname, '..');
  const { model } = await loadModel(join(root, spec.source));
  const request = trainRequestSchema.parse({
    kind: 'train',
    model,
    data: { source: 'synthetic', samples: spec.samples, seed: 3, minLength: spec.minLength, padding: 'post' },
    epochs: 1,
    batchSize: spec.batch,
    memoryCapMB: 4096,
  });
  const session = openSession(request, { kind: 'train', batchSize: spec.batch });
  const { tf } = session;
  const optimizer = new KerasOptimizer(tf, resolveOptimizer('adam'));
  const variables = session.runtime.trainableVariables();
  const phases: Record<string, number[]> = { data: [], forward: [], backward: [], optimizer: [], sync: [] };
  const batches = Math.floor(spec.samples / spec.batch);
  try {
    for (let s = -2; s < steps; s++) {
      // Two warm-up steps; then rows of a different batch each step, as an epoch takes them.
      const b = ((s % batches) + batches) % batches;
      const rows = Array.from({ length: spec.batch }, (_, i) => b * spec.batch + i);
      let t = performance.now();
      const lap = (phase: string): void => {
        const now = performance.now();
        if (s >= 0) phases[phase].push(now - t);
        t = now;
      };
      tf.tidy(() => {
        const x = session.data.x.map((a) => toTensor(tf, a.take(rows)));
        if (session.data.y) toTensor(tf, session.data.y.take(rows));
        x[0].dataSync();
      });
      lap('data');
      tf.tidy(() => batchLoss(session, rows, 'valid-mean', true, s).dataSync());
      lap('forward');
      const { value, grads } = tf.variableGrads(
        () => batchLoss(session, rows, 'valid-mean', true, s) as import('@tensorflow/tfjs-node').Scalar,
        variables,
      );
      const g = variables.map((v) => grads[v.name]);
      g[g.length - 1].dataSync(); // the last gradient: tfjs-node has run everything before it
      const total = performance.now() - t;
      if (s >= 0) phases.backward.push(total - phases.forward[phases.forward.length - 1]);
      t = performance.now();
      value.dataSync();
      lap('sync');
      optimizer.apply(variables, g);
      variables[0].dataSync();
      lap('optimizer');
      value.dispose();
      tf.dispose(g);
    }
    const t0 = performance.now();
    const rows = Array.from({ length: spec.samples }, (_, i) => i);
    const e = evaluate(session, {
      rows,
      shown: [],
      caps: { samples: 1, timesteps: 1, features: 1 },
      recordLayers: false,
    });
    if (!e.reductions) throw new Error('the loss pass gave no reductions');
    phases.lossPassPerSample = [(performance.now() - t0) / spec.samples];
  } finally {
    optimizer.dispose();
    session.dispose();
  }
  const pass = phases.lossPassPerSample[0];
  delete phases.lossPassPerSample;
  const sum = Object.values(phases).reduce((a, xs) => a + median(xs), 0);
  const cells = Object.entries(phases).map(
    ([k, xs]) => `${k} ${median(xs).toFixed(1)} ms (${((100 * median(xs)) / sum).toFixed(0)}%)`,
  );
  console.log(
    `${name} (batch ${spec.batch}), median per step over ${steps}: ${cells.join(', ')}; sum ${sum.toFixed(1)} ms; end-of-epoch loss pass ${pass.toFixed(2)} ms per sample`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--steps');
  const steps = at >= 0 ? Number(args[at + 1]) : 8;
  if (args.includes('--general')) process.env.MASKLENS_FUSED_RNN = '0';
  const names = args.filter((a) => a in MODELS);
  console.log(`backend ${loadTf().info.backend}; fused paths ${process.env.MASKLENS_FUSED_RNN === '0' ? 'off' : 'on'}`);
  for (const name of names.length ? names : Object.keys(MODELS)) await profile(name, steps);
}

void main();
