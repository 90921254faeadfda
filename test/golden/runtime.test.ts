/**
 * Replays every runtime golden fixture (recorded from real Keras 3 and tf-keras by
 * test/golden/generate.py) through the worker: every layer's mask equal, outputs and
 * losses within 1e-5 relative, weights after one SGD and one Adam step within 1e-4.
 *
 * Lambda layers: the fixture config holds Keras' bytecode, which MaskLens cannot run, so
 * the LambdaIR comes from parsing the seed-002 source (with the case's N and shape) with
 * the analysis parser, as the extension does with the user's file.
 *
 * The run must be on native TensorFlow unless MASKLENS_ALLOW_CPU_BACKEND=1.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { createAnalyzer } from '../../src/core/analysis';
import type { CustomLayerIR, JsonValue, KerasModelConfig, LambdaIR } from '../../src/core/ir';
import { parseNpy } from '../../src/core/data/npy';
import {
  type EvaluateRequestParsed,
  evaluateRequestSchema,
  type RuntimeModel,
  runtimeModelOf,
} from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { fusedCalls } from '../../src/worker/layers/fusedRnn';
import { KerasOptimizer, resolveOptimizer } from '../../src/worker/optimizers';
import { openSession, toTensor } from '../../src/worker/session';
import { loadTf } from '../../src/worker/tf';
import { train, trainStep } from '../../src/worker/train';

const DIR = join(__dirname, 'fixtures', 'runtime');
const ROOT = join(__dirname, '..', '..');
const RTOL = 1e-5;
const ATOL = 1e-6;
const WEIGHT_TOL = 1e-4;

type Num = number | string | null;
interface Digest {
  count: number;
  nanCount: number;
  sum: number;
  sumAbs: number;
  sumSq: number;
  min: number | null;
  max: number | null;
  head: Num[];
}
/** Large arrays live in `.npy` side files (`npy`) or only as a summary (`digest`). */
interface Arr {
  shape: number[];
  values: Num[] | Float64Array | null;
  npy?: string;
  digest?: Digest;
}
interface Fixture {
  case: string;
  family: 'keras3' | 'tf-keras2';
  about: string;
  /** A model a golden corpus file builds (custom layer classes): MaskLens reads it from that file. */
  source?: { file: string; model: string } | null;
  config: KerasModelConfig;
  weights: { layer: string; weights: (Arr & { name?: string })[] }[];
  inputs: (Arr & { dtype: string }) | (Arr & { dtype: string })[];
  targets: (Arr & { dtype: string }) | null;
  sampleWeight: (Arr & { dtype: string }) | null;
  /** `custom`: the user's own loss, which the source file compiles the model with. */
  loss: { name: string; config: JsonValue; custom?: boolean };
  layers: { name: string; className: string; mask: number[][] | null; output?: Arr | null }[];
  output: Arr;
  outputMask: number[][] | null;
  perTimestepLoss: Arr | null;
  kerasEvaluate: Num;
  reductions: Record<string, Num>;
  weightedReductions?: Record<string, Num>;
  trainDeterministic: boolean;
  /** `fit(class_weight=...)` of the training steps, by class id. */
  classWeight?: Record<string, number> | null;
  /**
   * `compile(metrics=, weighted_metrics=)` as given, and per reported name what Keras' evaluate
   * gave, the same metric without a mask, and (newer fixtures) with the output mask as its weights.
   */
  metrics?: {
    /** The metrics are the user's own, which the source file compiles the model with (MaskLens reads them there). */
    compiled?: boolean;
    given: JsonValue[];
    weighted: JsonValue[];
    reported: Record<
      string,
      { className: string; function: string | null; weighted: boolean; keras: Num; unmasked: Num; masked?: Num }
    >;
  } | null;
  /** Models with several outputs: the output whose loss term the fixture records. */
  outputIndex?: number | null;
  /** fit() over whole-batch epochs with SGD, no shuffling: each epoch's `loss` in Keras' History. */
  fitHistory?: { epochs: number; optimizer: 'SGD'; learningRate: number; batchSize: number; loss: Num[] } | null;
  train: Record<
    string,
    { loss: Num; optimizer: { className: string; config: Record<string, JsonValue> }; weights: Fixture['weights'] }
  > | null;
}

const num = (v: Num): number =>
  typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;

/** The fixture's values (reading `.npy` side files with MaskLens' own reader), or null for a digest. */
function valuesOf(rec: Arr): Float64Array | null {
  if (rec.values instanceof Float64Array) return rec.values;
  if (rec.values) return Float64Array.from(rec.values.map(num));
  if (rec.npy) return parseNpy(new Uint8Array(readFileSync(join(DIR, rec.npy))), rec.npy).data;
  return null;
}

/** Inline every side file so the fixture can travel in a request. */
function inlined<T extends Arr>(rec: T): T {
  const values = valuesOf(rec);
  assert.ok(values, `array of shape [${rec.shape.join(', ')}] is only a digest; it cannot be an input`);
  return { ...rec, values, npy: undefined };
}

function compareArray(actual: ArrayLike<number>, rec: Arr, what: string, rtol = RTOL, atol = ATOL): number {
  const expected = valuesOf(rec);
  if (expected) return assertClose(actual, expected, what, rtol, atol);
  const d = rec.digest;
  assert.ok(d, `${what}: the fixture has neither values nor a digest`);
  assert.equal(actual.length, d.count, `${what}: count`);
  let nan = 0;
  let sum = 0;
  let sumAbs = 0;
  let sumSq = 0;
  for (let i = 0; i < actual.length; i++) {
    const v = actual[i];
    if (Number.isNaN(v)) nan++;
    else if (Number.isFinite(v)) {
      sum += v;
      sumAbs += Math.abs(v);
      sumSq += v * v;
    }
  }
  assert.equal(nan, d.nanCount, `${what}: NaN count`);
  const scale = rtol * d.sumAbs + atol * d.count;
  assert.ok(Math.abs(sum - d.sum) <= scale, `${what}: sum ${sum} vs Keras ${d.sum}`);
  assert.ok(Math.abs(sumAbs - d.sumAbs) <= scale, `${what}: sum |x| ${sumAbs} vs Keras ${d.sumAbs}`);
  assert.ok(
    Math.abs(sumSq - d.sumSq) <= 2 * rtol * d.sumSq + atol * d.count,
    `${what}: sum x² ${sumSq} vs Keras ${d.sumSq}`,
  );
  return assertClose(Array.from(actual).slice(0, d.head.length), d.head.map(num), `${what} (first values)`, rtol, atol);
}

function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [num(x as Num)];
}

/** Max error over arrays; NaN must match NaN. Returns the worst relative error seen. */
function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = RTOL,
  atol = ATOL,
): number {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, Keras has ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(e) && Number.isNaN(a), `${what}[${i}]: ${a} vs Keras ${e}`);
      continue;
    }
    const err = Math.abs(a - e);
    assert.ok(err <= rtol * Math.abs(e) + atol, `${what}[${i}]: ${a} vs Keras ${e} (|Δ| = ${err.toExponential(2)})`);
    checkedValues++;
    if (Math.abs(e) > 1e-3 && err / Math.abs(e) > worst) {
      worst = err / Math.abs(e);
      if (worst > worstRelative) worstWhere = `${what}[${i}]: ${a} vs ${e}`;
    }
  }
  return worst;
}

let worstRelative = 0;
let worstWhere = '';
let checkedValues = 0;
let replayed = 0;

const lambdaCache = new Map<string, Record<string, LambdaIR>>();

/** LambdaIR for the fixture's Lambda layers, from the seed-002 source parsed by the analysis parser. */
async function lambdasFor(fx: Fixture): Promise<Record<string, LambdaIR>> {
  const lambdaLayers = fx.config.config.layers.filter((l) => l.class_name === 'Lambda');
  if (lambdaLayers.length === 0) return {};
  const out: Record<string, LambdaIR> = {};
  for (const l of lambdaLayers) {
    const name = String(l.config.name);
    const rec = fx.layers.find((r) => r.name === name);
    const inShape = (Array.isArray(fx.inputs) ? fx.inputs[0] : fx.inputs).shape;
    const outSteps = rec?.output?.shape?.[1] ?? fx.output.shape[1];
    const n = inShape[1] - outSteps;
    const withMask = l.config.mask !== null && l.config.mask !== undefined;
    const key = `${n}/${withMask}`;
    let lambdas = lambdaCache.get(key);
    if (!lambdas) {
      const source = [
        'from keras import Sequential',
        'from keras.layers import Masking, LSTM, Lambda',
        `N = ${n}`,
        `timesteps, features = ${inShape[1]}, ${inShape[2]}`,
        'masking_func = lambda inputs, previous_mask: previous_mask[:, N:]',
        'model = Sequential()',
        'model.add(Masking(mask_value=0., input_shape=(timesteps, features)))',
        `model.add(Lambda(lambda x: x[:, N:, :]${withMask ? ', mask=masking_func' : ''}))`,
        "model.compile('adam', 'mae')",
        '',
      ].join('\n');
      const analyzer = await createAnalyzer();
      const parsed = analyzer.analyze(source, { file: `${fx.case}.py`, family: fx.family });
      analyzer.dispose();
      lambdas = parsed.ir.models[0]?.lambdas ?? {};
      assert.ok(Object.keys(lambdas).length > 0, `the parser produced no Lambda for ${fx.case}`);
      lambdaCache.set(key, lambdas);
    }
    out[name] = Object.values(lambdas)[0];
  }
  return out;
}

/** The model as MaskLens reads it from the corpus file the fixture's model comes from, or Keras' own config. */
type ModelFromSource = {
  config: KerasModelConfig;
  lambdas: Record<string, LambdaIR>;
  customLayers?: Record<string, CustomLayerIR>;
  customLoss?: NonNullable<RuntimeModel['training']>['customLoss'];
  /** The metrics the file compiles the model with, the user's own translated. */
  compiledMetrics?: Pick<NonNullable<RuntimeModel['training']>, 'metrics' | 'weightedMetrics' | 'customMetrics'>;
};

async function modelFor(fx: Fixture, lambdas: Record<string, LambdaIR>): Promise<ModelFromSource> {
  if (!fx.source) return { config: fx.config, lambdas };
  const analyzer = await createAnalyzer();
  try {
    const analysis = analyzer.analyze(readFileSync(join(ROOT, fx.source.file), 'utf8'), {
      file: fx.source.file,
      family: fx.family,
    });
    const ir = analysis.ir.models.find((m) => m.name === fx.source?.model);
    assert.ok(ir, `${fx.source.file}: MaskLens finds no model '${fx.source.model}'`);
    // The user's own loss, as compile() in the file names it and MaskLens translates it.
    const customLoss = fx.loss.custom ? runtimeModelOf(ir).training?.customLoss : undefined;
    if (fx.loss.custom)
      assert.ok(
        customLoss?.fn,
        `${fx.source.file}: the loss '${fx.loss.name}' was not translated: ${customLoss?.problem ?? 'no custom loss read'}`,
      );
    const training = runtimeModelOf(ir).training;
    for (const m of fx.metrics?.compiled ? (training?.customMetrics ?? []) : [])
      assert.ok(m.fn || m.metricClass, `${fx.source.file}: the metric '${m.name}' was not translated: ${m.problem}`);
    return {
      config: ir.config,
      lambdas: ir.lambdas,
      customLayers: ir.customLayers,
      ...(customLoss ? { customLoss } : {}),
      ...(fx.metrics?.compiled
        ? {
            compiledMetrics: {
              metrics: training?.metrics,
              weightedMetrics: training?.weightedMetrics,
              customMetrics: training?.customMetrics,
            },
          }
        : {}),
    };
  } finally {
    analyzer.dispose();
  }
}

function requestFor(fx: Fixture, model: Awaited<ReturnType<typeof modelFor>>): EvaluateRequestParsed {
  const parsed = evaluateRequestSchema.safeParse({
    kind: 'evaluate',
    // The generator evaluates in one batch (batch_size = samples): Keras' number is per batch.
    model: {
      name: fx.case,
      config: model.config,
      lambdas: model.lambdas,
      ...(model.customLayers ? { customLayers: model.customLayers } : {}),
      training: {
        loss: fx.loss.config,
        ...(model.customLoss ? { customLoss: model.customLoss } : {}),
        batchSize: (Array.isArray(fx.inputs) ? fx.inputs[0] : fx.inputs).shape[0],
        ...(model.compiledMetrics ??
          (fx.metrics ? { metrics: fx.metrics.given, weightedMetrics: fx.metrics.weighted } : {})),
        ...(fx.classWeight ? { classWeight: fx.classWeight } : {}),
      },
    },
    family: fx.family,
    data: {
      source: 'inline',
      x: Array.isArray(fx.inputs) ? fx.inputs.map(inlined) : inlined(fx.inputs),
      y: fx.targets ? inlined(fx.targets) : undefined,
      sampleWeight: fx.sampleWeight ? inlined(fx.sampleWeight) : undefined,
    },
    weights: { source: 'inline', layers: fx.weights.map((l) => ({ layer: l.layer, weights: l.weights.map(inlined) })) },
    samplesShown: 4096,
    timestepsShown: 100_000,
    featuresShown: 100_000,
    layerOutputs: false,
    output: fx.outputIndex ?? undefined,
  });
  if (!parsed.success)
    throw new Error(
      `fixture ${fx.case} does not form a valid request: ${JSON.stringify(parsed.error.issues).slice(0, 2000)}`,
    );
  return parsed.data;
}

const files = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const ctx = { progress: () => undefined, cancelled: () => false };
/** The fixtures whose evaluation ran in length buckets (and matched Keras' goldens, or failed above). */
const inBuckets: string[] = [];

test('runtime golden fixtures exist', () => {
  assert.ok(files.length > 0, `no fixtures in ${DIR}: run \`npm run golden\` (test/golden/generate.py) first`);
});

test('the runtime runs on native TensorFlow', () => {
  const { info } = loadTf();
  if (process.env.MASKLENS_ALLOW_CPU_BACKEND === '1') return;
  assert.equal(
    info.backend,
    'tensorflow',
    `golden replay ran on '${info.backend}': ${info.fallbackReason ?? ''} (set MASKLENS_ALLOW_CPU_BACKEND=1 only while the native binding is being built)`,
  );
});

/**
 * Models with an LSTM or GRU replay twice: as they run (fused paths where the mask allows them)
 * and with MASKLENS_FUSED_RNN=0 (the general step-by-step path only), so both match Keras.
 */
const fusedAtStart = { ...fusedCalls };
const recurrent = (text: string): boolean => /"(LSTM|GRU)(Cell)?"/.test(text);
const replays = files.flatMap((file) => {
  const text = readFileSync(join(DIR, file), 'utf8');
  return (recurrent(text) ? ['fused where possible', 'general path only'] : ['']).map((path) => ({ file, path }));
});

for (const { file, path } of replays) {
  const fx = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
  test(`${fx.case} [${fx.family}]${path ? ` (${path})` : ''}: ${fx.about}`, async (t) => {
    if (path === 'general path only') process.env.MASKLENS_FUSED_RNN = '0';
    t.after(() => delete process.env.MASKLENS_FUSED_RNN);
    const req = requestFor(fx, await modelFor(fx, await lambdasFor(fx)));
    const { tf } = loadTf();
    const before = tf.memory().numTensors;

    await t.test('every layer: mask equal, output within 1e-5', () => {
      const session = openSession(req);
      try {
        tf.tidy(() => {
          const r = session.runtime.forward(
            session.data.x.map((a) => toTensor(tf, a.take(Array.from({ length: a.shape[0] }, (_, i) => i)))),
            false,
          );
          for (const rec of fx.layers) {
            if (rec.className === 'InputLayer') continue;
            const mine = r.records.find((m) => m.layer.name === rec.name);
            assert.ok(mine, `layer '${rec.name}' was not run`);
            const mask = mine.mask ? (tf.cast(mine.mask, 'int32').arraySync() as number[][]) : null;
            assert.deepEqual(mask, rec.mask, `mask of layer '${rec.name}'`);
            if (rec.output)
              worstRelative = Math.max(
                worstRelative,
                compareArray(mine.output.dataSync(), rec.output, `output of '${rec.name}'`),
              );
          }
          const k = session.output.index;
          worstRelative = Math.max(worstRelative, compareArray(r.outputs[k].dataSync(), fx.output, 'model output'));
          const outMask = r.outputMasks[k] ? (tf.cast(r.outputMasks[k], 'int32').arraySync() as number[][]) : null;
          assert.deepEqual(outMask, fx.outputMask, 'output mask');
        });
      } finally {
        session.dispose();
      }
    });

    await t.test('per-timestep loss, reductions and Keras evaluate within 1e-5', async () => {
      const r = await runTask(req, ctx);
      assert.equal(r.backend, loadTf().info.backend);
      if (r.lengthBuckets.chunks > 0) inBuckets.push(fx.case);
      if (!fx.perTimestepLoss) return;
      if (fx.perTimestepLoss.shape.length === 0) {
        // The loss returned one number for the (single) batch: on plain arrays (no mask anywhere,
        // what the golden records) that is the unmasked value; with the output's mask, which a
        // Keras loss called inside it applies, the masked reductions are what Keras evaluates.
        const value = valuesOf(fx.perTimestepLoss)?.[0] ?? NaN;
        assert.equal(r.perTimestepLoss, null, 'a loss that returns one number has no per-timestep values');
        assert.ok(r.lossValues && r.loss);
        assertClose([r.lossValues.none], [value], "the loss function's number on plain arrays");
        assertClose([r.lossValues['valid-mean']], [num(fx.kerasEvaluate)], "the loss function's number under the mask");
        worstRelative = Math.max(
          worstRelative,
          assertClose([r.loss.keras.value], [num(fx.kerasEvaluate)], 'Keras evaluate'),
        );
        return;
      }
      assert.ok(r.perTimestepLoss, 'no per-timestep loss');
      worstRelative = Math.max(
        worstRelative,
        compareArray(flat(r.perTimestepLoss), fx.perTimestepLoss, 'per-timestep loss'),
      );
      const values = r.lossValues;
      assert.ok(values && r.loss);
      if (fx.sampleWeight && fx.weightedReductions) {
        // MaskLens' valid-mean with weights is Keras' sum(L·m·w)/sum(m) — the generator's "valid-count".
        const w = fx.weightedReductions;
        assertClose(
          [values.none, values['valid-mean'], values['total-mean']],
          [num(w.none), num(w['valid-count']), num(w['total-mean'])],
          'weighted reductions',
        );
      } else {
        const ids = ['none', 'valid-mean', 'total-mean', 'sequence-mean'] as const;
        assertClose(
          ids.map((id) => values[id]),
          ids.map((id) => num(fx.reductions[id])),
          'reductions',
        );
      }
      worstRelative = Math.max(
        worstRelative,
        assertClose([r.loss.keras.value], [num(fx.kerasEvaluate)], 'Keras evaluate'),
      );
    });

    if (fx.metrics) {
      const reported = fx.metrics;
      await t.test('compiled metrics: what Keras reports (masked) and over every position, within 1e-5', async () => {
        const r = await runTask(req, ctx);
        assert.equal(r.kind, 'evaluate');
        if (r.kind !== 'evaluate') return;
        assert.deepEqual(
          r.metrics.map((m) => m.name).sort(),
          Object.keys(reported.reported).sort(),
          'metric names as Keras reports them',
        );
        for (const m of r.metrics) {
          const keras = reported.reported[m.name];
          // Keras' name resolution: the function behind a wrapper (tf-keras) or the class (Keras 3).
          const resolved =
            keras.function && keras.function !== '<lambda>' ? keras.function.replace(/_matches$/, '_accuracy') : null;
          if (resolved) assert.equal(m.resolved, resolved, `${m.name}: resolves to ${resolved} in Keras`);
          assertClose(
            [m.keras, m.unmasked],
            [num(keras.keras), num(keras.unmasked)],
            `metric ${m.name} (Keras' value, unmasked)`,
          );
          assert.equal(
            m.masked !== null,
            fx.outputMask !== null,
            `${m.name}: masked exactly where a mask reaches the output`,
          );
          assert.equal(m.weighted, keras.weighted, `${m.name}: weighted`);
          if (keras.masked !== undefined) {
            assert.ok(m.masked !== null, `${m.name}: no value under the mask`);
            assertClose([m.masked], [num(keras.masked)], `metric ${m.name} under the output mask`);
          }
        }
      });
    }

    for (const [label, step] of Object.entries(fx.train ?? {})) {
      await t.test(`one ${label} step: loss and weights within 1e-4`, () => {
        const session = openSession(req);
        const optimizer = new KerasOptimizer(
          tf,
          resolveOptimizer({ class_name: step.optimizer.className, config: step.optimizer.config }),
        );
        try {
          const rows = Array.from({ length: session.data.info.samples }, (_, i) => i);
          const loss = trainStep(session, optimizer, rows, 'valid-mean', 1);
          assertClose([loss], [num(step.loss)], `${label} batch loss`, 1e-5, 1e-6);
          if (!Number.isFinite(loss)) return; // Keras applies the NaN update; MaskLens stops training instead.
          for (const layer of step.weights) {
            const mine = session.runtime.weights.filter((w) => w.layer === layer.layer);
            assert.equal(mine.length, layer.weights.length, `weights of '${layer.layer}'`);
            layer.weights.forEach((w, i) =>
              compareArray(mine[i].variable.dataSync(), w, `${label}: ${layer.layer}/${w.name ?? i}`, WEIGHT_TOL, 1e-6),
            );
          }
        } finally {
          optimizer.dispose();
          session.dispose();
        }
      });
    }

    const history = fx.fitHistory;
    if (history) {
      await t.test("training's epoch losses: Keras' History loss (class_weight applied), within 1e-5", () => {
        const session = openSession(req);
        try {
          const rows = Array.from({ length: session.data.info.samples }, (_, i) => i);
          assert.equal(history.batchSize, rows.length, 'the fixture trains on one batch per epoch');
          const outcome = train(
            session,
            {
              optimizer: resolveOptimizer({
                class_name: history.optimizer,
                config: { learning_rate: history.learningRate },
              }),
              reduction: 'valid-mean',
              epochs: history.epochs - 1,
              batchSize: history.batchSize,
              shuffle: false,
              seed: 1,
              trainRows: rows,
              validation: null,
            },
            ctx,
          );
          // One batch per epoch: Keras' epoch loss is the loss before that epoch's step, MaskLens'
          // epoch record the loss after it; so MaskLens' epoch e is Keras' epoch e + 1.
          assertClose(
            outcome.history.map((h) => h.train.masked),
            history.loss.slice(1).map(num),
            'epoch losses',
            1e-5,
            1e-6,
          );
        } finally {
          session.dispose();
        }
      });
    }

    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    replayed++;
  });
}

test('length buckets: evaluations of masked sequence models ran cut at their longest sequence, and matched Keras above', () => {
  // Every model whose input an Embedding(mask_zero=True) or Masking marks, with layers that keep
  // timesteps apart and RNNs that get the mask (src/core/runtime/lengthBuckets.ts): 76 fixture files today.
  assert.ok(inBuckets.length >= 60, `only ${inBuckets.length} fixtures ran in length buckets: ${inBuckets.join(', ')}`);
  // A plain go_backwards RNN returning sequences gives its outputs in reversed order and its mask not: it runs whole.
  assert.ok(!inBuckets.includes('go_backwards_lstm_sequences'), 'go_backwards_lstm_sequences ran in buckets');
  for (const kind of ['bidirectional', 'go_backwards', 'prepad', 'gru', 'simplernn'])
    assert.ok(
      inBuckets.some((c) => c.toLowerCase().includes(kind)),
      `no fixture with '${kind}' in its name ran in buckets: ${inBuckets.join(', ')}`,
    );
});

test('the fused LSTM and GRU paths were taken in the replays that allow them', () => {
  assert.ok(fusedCalls.count - fusedAtStart.count > 0, 'no fused LSTM or GRU call');
  assert.ok(fusedCalls.gru - fusedAtStart.gru > 0, 'no fused GRU call');
});

test('summary', () => {
  console.log(
    `# replayed ${replayed}/${replays.length} fixture runs, ${checkedValues} values compared; worst relative error where |Keras value| > 1e-3: ${worstRelative.toExponential(2)} (${worstWhere})`,
  );
});
