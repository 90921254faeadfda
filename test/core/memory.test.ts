/**
 * The memory estimate on models read from real source: a model whose weights pass the cap is
 * refused with one sentence naming the constructor call, the layer and its line; evaluation
 * passes shrink to fit before anything is refused; the budget refuses before allocating.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph } from '../../src/core/graph/fromConfig';
import { UserFacingError } from '../../src/core/protocol/task';
import {
  checkWeights,
  EVALUATION_CHUNK,
  formatBytes,
  formatCount,
  layerLines,
  MemoryBudget,
  planTask,
} from '../../src/core/runtime/memory';
import { layerCallText, modelCost } from '../../src/core/runtime/modelCost';
import { analyze, model } from './helpers';

const HEAD = 'import keras\nfrom keras import layers\n';

function refusal(fn: () => unknown): UserFacingError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UserFacingError, String(error));
    assert.equal(error.code, 'memory-cap');
    return error;
  }
  assert.fail('not refused');
}

async function costOf(source: string) {
  const m = model(await analyze(`${HEAD}${source}`));
  const graph = buildGraph(m.ir.config);
  return { m, graph, cost: modelCost(graph, m.ir.lambdas), lines: layerLines(m.ir.sources) };
}

test('bytes and counts read the way a person says them', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(2048 * 1024 * 1024), '2 GiB');
  assert.equal(formatBytes(2_200_000_128), '2.05 GiB');
  assert.equal(formatBytes(4e15), '3.55 PiB');
  assert.equal(formatCount(400_000_000), '400,000,000');
});

test('Embedding(10**9, 10**6) is refused from its config, naming the call, the layer and its line', async () => {
  const { cost, lines } = await costOf(
    'inp = keras.Input(shape=(4,))\nx = layers.Embedding(10**9, 10**6)(inp)\nout = layers.Dense(1)(x)\nmodel = keras.Model(inp, out)\n',
  );
  const e = refusal(() => checkWeights(cost, 2048, lines, 'model'));
  assert.equal(
    e.message,
    "`Embedding(10**9, 10**6)` (layer 'embedding', line 4) needs 3.55 PiB for its 1,000,000,000,000,000 weights, 7.11 PiB while they are initialised; the memory cap is 2 GiB (setting masklens.memoryCapMB)",
  );
  assert.equal(e.location, 'embedding');
});

test('Dense(10**8) on three inputs is refused before oneDNN is ever asked to build it', async () => {
  const { cost, lines } = await costOf(
    'inp = keras.Input(shape=(3,))\nout = layers.Dense(10**8)(inp)\nmodel = keras.Model(inp, out)\n',
  );
  assert.equal(cost.params, 400_000_000);
  const e = refusal(() => checkWeights(cost, 2048, lines, 'model'));
  assert.match(
    e.message,
    /^`Dense\(10\*\*8\)` \(layer 'dense', line 4\) needs 1\.49 GiB for its 400,000,000 weights, 2\.98 GiB while they are initialised; the memory cap is 2 GiB/,
  );
  // The same model fits a cap that holds it while it is built.
  checkWeights(cost, 4096, lines, 'model');
});

test('many layers that fit one by one are refused together, naming the largest', async () => {
  const { cost, lines } = await costOf(
    `model = keras.Sequential([keras.Input(shape=(1000,)), ${Array.from({ length: 4 }, () => 'layers.Dense(1000)').join(', ')}])\n`,
  );
  const e = refusal(() => checkWeights(cost, 12, lines, 'model'));
  assert.match(
    e.message,
    /^model 'model' needs 15\.3 MiB for its 4,004,000 weights \(19\.1 MiB while they are initialised; the largest layer is `Dense\(1000\)` \(layer 'dense', line 3\)\); the memory cap is 12 MiB/,
  );
});

test('an evaluation pass shrinks to fit the cap; a model no pass fits is refused with its parts', async () => {
  const { cost, lines } = await costOf(
    'model = keras.Sequential([keras.Input(shape=(500, 16)), layers.LSTM(256, return_sequences=True), layers.Dense(1)])\n',
  );
  const shape = {
    kind: 'evaluate' as const,
    samples: 10_000,
    batch: 32,
    dataBytes: 10_000 * 500 * 16 * 8,
    syntheticTargets: true,
  };
  const roomy = planTask(cost, shape, 65536, lines, 'model');
  assert.equal(roomy.chunk, EVALUATION_CHUNK);
  const tight = planTask(cost, shape, 2048, lines, 'model');
  assert.ok(tight.chunk < EVALUATION_CHUNK && tight.chunk >= 1, `chunk ${tight.chunk}`);
  assert.ok(tight.total <= 2048 * 1024 * 1024);
  const e = refusal(() => planTask(cost, shape, 700, lines, 'model'));
  assert.match(
    e.message,
    /^evaluating model 'model' on 10,000 samples needs about .* for data\); the layer needing most is `LSTM\(256\)` \(layer 'lstm', line 3\); the memory cap is 700 MiB/,
  );
  // Training cannot shrink its batch: Keras' batch size is part of what it computes.
  const train = refusal(() =>
    planTask(cost, { ...shape, kind: 'train', samples: 1000, batch: 1000, dataBytes: 0 }, 2048, lines, 'model'),
  );
  assert.match(train.message, /^training model 'model' on 1,000 samples needs about .* of a batch of 1,000/);
});

test('the budget refuses before the allocation it guards, saying what is already held', () => {
  const budget = new MemoryBudget(100);
  budget.take(60 * 1024 * 1024, 'x');
  assert.throws(() => budget.take(50 * 1024 * 1024, 'its array', 'y (y.npy)'), {
    code: 'memory-cap',
    message:
      'y (y.npy): its array needs about 50 MiB beside the 60 MiB the task already holds; the memory cap is 100 MiB (setting masklens.memoryCapMB)',
  });
  budget.check(40 * 1024 * 1024, 'z');
  assert.equal(budget.usedBytes, 60 * 1024 * 1024);
});

test('a call reads like the source that wrote it', () => {
  assert.equal(
    layerCallText('Bidirectional', { layer: { class_name: 'LSTM', config: { units: 512 } } }),
    'Bidirectional(LSTM(512))',
  );
  assert.equal(layerCallText('Conv1D', { filters: 64, kernel_size: [3] }), 'Conv1D(64, 3)');
  assert.equal(layerCallText('Mystery', {}), 'Mystery(…)');
});
