/**
 * The fused LSTM fast path on and off (MASKLENS_FUSED_RNN), one masked training epoch each,
 * through the worker's train task in this process. W1: Masking → LSTM(128) → LSTM(64) →
 * LSTM(1), all return_sequences, 362 steps × 24 features, 100 post-padded samples (75/25),
 * batch 15. W3 (Embedding → Bidirectional(LSTM(64)) → TimeDistributed(Dense(10))) with
 * `--w3`. Run with `node --import tsx bench/fused-lstm.bench.ts [--w3] [--runs N]`.
 * A benchmark, not a test: it asserts nothing. Timings on a shared machine are noisy, so the
 * two modes alternate and medians are reported.
 */
import type { KerasModelConfig } from '../src/core/ir';
import type { TrainRequest } from '../src/core/protocol/runtimeTasks';
import { runTask } from '../src/worker/registry';
import { loadTf } from '../src/worker/tf';

function sequential(
  shape: (number | null)[],
  dtype: string,
  layers: { class_name: string; config: Record<string, unknown> }[],
): KerasModelConfig {
  const named = layers.map((l, i) => ({ ...l, config: { name: `${l.class_name.toLowerCase()}_${i}`, ...l.config } }));
  return {
    class_name: 'Sequential',
    config: {
      name: 'bench',
      layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, ...shape], dtype, name: 'input' } }, ...named],
    },
  } as KerasModelConfig;
}

const w1: TrainRequest = {
  kind: 'train',
  model: {
    name: 'W1',
    config: sequential([362, 24], 'float32', [
      { class_name: 'Masking', config: { mask_value: 0 } },
      { class_name: 'LSTM', config: { units: 128, return_sequences: true } },
      { class_name: 'LSTM', config: { units: 64, return_sequences: true } },
      { class_name: 'LSTM', config: { units: 1, return_sequences: true } },
    ]),
    training: { loss: 'mse' },
  },
  data: { source: 'synthetic', samples: 100, padding: 'post', minLength: 1, maxLength: 0, timesteps: 362 },
  optimizer: { class_name: 'Adam', config: { learning_rate: 0.001 } },
  epochs: 1,
  batchSize: 15,
  validation: { split: 0.25 },
};

const w3: TrainRequest = {
  kind: 'train',
  model: {
    name: 'W3',
    config: sequential([100], 'int32', [
      { class_name: 'Embedding', config: { input_dim: 10000, output_dim: 128, mask_zero: true } },
      {
        class_name: 'Bidirectional',
        config: { layer: { class_name: 'LSTM', config: { name: 'lstm', units: 64, return_sequences: true } } },
      },
      {
        class_name: 'TimeDistributed',
        config: { layer: { class_name: 'Dense', config: { name: 'dense', units: 10, activation: 'softmax' } } },
      },
    ]),
    training: { loss: 'sparse_categorical_crossentropy' },
  },
  data: { source: 'synthetic', samples: 2000, padding: 'post', minLength: 1, maxLength: 0, timesteps: 100 },
  optimizer: { class_name: 'Adam', config: { learning_rate: 0.001 } },
  epochs: 1,
  batchSize: 32,
};

const ctx = { progress: () => undefined, cancelled: () => false };

async function epochMs(req: TrainRequest, fused: boolean): Promise<number> {
  process.env.MASKLENS_FUSED_RNN = fused ? '1' : '0';
  const t0 = performance.now();
  await runTask(req, ctx);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const { info } = loadTf();
  console.log(`backend: ${info.backend}, tfjs ${info.tfjsVersion}`);
  for (const req of args.includes('--w3') ? [w1, w3] : [w1]) {
    await epochMs(req, true); // warm-up: first-call kernel and allocator costs
    const on: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < runs; i++) {
      on.push(await epochMs(req, true));
      off.push(await epochMs(req, false));
    }
    const fmt = (xs: number[]) =>
      `median ${(median(xs) / 1000).toFixed(2)} s (${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`;
    console.log(`${req.model.name} epoch, fused on:  ${fmt(on)}`);
    console.log(`${req.model.name} epoch, fused off: ${fmt(off)}`);
    console.log(`${req.model.name} speed-up: ${(median(off) / median(on)).toFixed(1)}×`);
  }
}

void main();
