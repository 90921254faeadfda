/**
 * Models trained a few steps and saved by real Keras 3 and tf-keras in every format Keras
 * writes (test/golden/saved_models.py): MaskLens reads each file — the model from a `.keras`
 * archive or a legacy `.h5`, the weights from each of the three — and every layer's mask,
 * the per-timestep loss and what Keras' evaluate reports must equal Keras' within 1e-5
 * relative, and the result must name the file whose weights it used. A model with custom
 * layers is read from its source (as the user's file would be) and its checkpoints applied.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { createAnalyzer } from '../../src/core/analysis';
import { parseNpy } from '../../src/core/data/npy';
import { evaluateRequestSchema, type RuntimeModel, runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { readSavedModel } from '../../src/core/saved/savedModel';
import { savedModelIR } from '../../src/core/saved/savedIR';
import { runTask } from '../../src/worker/registry';

const DIR = join(__dirname, 'fixtures', 'saved');
const RTOL = 1e-5;
const ATOL = 1e-6;

type Num = number | string | null;
interface Arr {
  shape: number[];
  dtype: string;
  values: Num[] | null;
  npy?: string;
}
interface Fixture {
  case: string;
  family: 'keras3' | 'tf-keras2';
  about: string;
  /** `h5` is null for a weights-only Keras 3 model: its save_weights writes only `.weights.h5`. */
  files: { keras: string | null; h5: string | null; weightsH5: string };
  /** Repository-relative source that builds the model (`model`), for models saved as weights only; null for the others. */
  source: string | null;
  h5LoadError: string | null;
  inputs: Arr;
  targets: Arr;
  loss: string;
  layers: { name: string; className: string; mask: number[][] | null }[];
  outputMask: number[][] | null;
  perTimestepLoss: Arr;
  kerasEvaluate: Num;
}

const num = (v: Num): number =>
  typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;

function values(a: Arr): number[] {
  if (a.values) return a.values.map(num);
  assert.ok(a.npy, 'array without values');
  return Array.from(parseNpy(new Uint8Array(readFileSync(join(DIR, a.npy))), a.npy).data);
}

function assertClose(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, Keras has ${expected.length}`);
  expected.forEach((e, i) => {
    const a = actual[i];
    assert.ok(Math.abs(a - e) <= RTOL * Math.abs(e) + ATOL, `${what}[${i}]: ${a} vs Keras ${e}`);
  });
}

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [num(x as Num)]);
const ctx = { progress: () => undefined, cancelled: () => false };
const fixtures = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

test('saved-model golden fixtures exist for both families', () => {
  const families = new Set(fixtures.map((f) => f.split('.')[1]));
  assert.deepEqual(
    [...families].sort(),
    ['keras3', 'tf-keras2'],
    `fixtures in ${DIR}: run \`node tools/golden.mjs --saved\``,
  );
});

const ROOT = join(__dirname, '..', '..');

async function modelFromSource(fx: Fixture & { source: string }): Promise<RuntimeModel> {
  const analyzer = await createAnalyzer();
  try {
    const analysis = analyzer.analyze(readFileSync(join(ROOT, fx.source), 'utf8'), {
      file: fx.source,
      family: fx.family,
    });
    const ir = analysis.ir.models.find((m) => m.name === 'model');
    assert.ok(ir, `${fx.source} builds no model 'model'`);
    return runtimeModelOf(ir);
  } finally {
    analyzer.dispose();
  }
}

function savedModelFrom(file: string, family: Fixture['family']): RuntimeModel {
  const saved = readSavedModel(new Uint8Array(readFileSync(join(DIR, file))), file);
  assert.equal(
    saved.kerasVersion?.split('.')[0],
    family === 'keras3' ? '3' : '2',
    `the Keras version that saved ${file}`,
  );
  return runtimeModelOf(savedModelIR(saved));
}

interface Format {
  label: string;
  model: () => Promise<RuntimeModel>;
  weights: string;
  format: string;
}

function formatsOf(fx: Fixture): Format[] {
  const { keras } = fx.files;
  if (fx.source !== null) {
    const source = { ...fx, source: fx.source };
    const { h5 } = fx.files;
    return [
      {
        label: 'source with its .weights.h5 checkpoint',
        model: () => modelFromSource(source),
        weights: fx.files.weightsH5,
        format: 'weights-h5',
      },
      ...(h5
        ? [
            {
              label: 'source with its legacy .h5 weights',
              model: () => modelFromSource(source),
              weights: h5,
              format: 'weights-h5',
            },
          ]
        : []),
    ];
  }
  const { h5 } = fx.files;
  assert.ok(keras && h5, `${fx.case}: no .keras or .h5 file`);
  // The model from each file that holds one; the weights-only file with the archive's model, as a source file would build it.
  return [
    {
      label: '.keras archive',
      model: () => Promise.resolve(savedModelFrom(keras, fx.family)),
      weights: keras,
      format: 'keras-archive',
    },
    {
      label: 'legacy .h5 model',
      model: () => Promise.resolve(savedModelFrom(h5, fx.family)),
      weights: h5,
      format: 'legacy-h5',
    },
    {
      label: '.weights.h5 checkpoint',
      model: () => Promise.resolve(savedModelFrom(keras, fx.family)),
      weights: fx.files.weightsH5,
      format: 'weights-h5',
    },
  ];
}

for (const file of fixtures) {
  const fx = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
  for (const f of formatsOf(fx)) {
    test(`${fx.case} [${fx.family}] from its ${f.label}: masks and losses equal Keras'`, async () => {
      const model = await f.model();
      const request = evaluateRequestSchema.parse({
        kind: 'evaluate',
        model: { ...model, training: { ...model.training, batchSize: fx.inputs.shape[0] } },
        family: fx.family,
        data: {
          source: 'inline',
          x: { ...fx.inputs, values: values(fx.inputs) },
          y: { ...fx.targets, values: values(fx.targets) },
        },
        weights: { source: 'file', path: join(DIR, f.weights) },
        samplesShown: 4096,
        timestepsShown: 100_000,
        layerOutputs: false,
      });
      const r = await runTask(request, ctx);
      assert.equal(r.weightsUsed.source, 'file');
      assert.equal(r.weightsUsed.format, f.format);
      assert.match(r.weightsUsed.description, new RegExp(f.weights.replace(/\./g, '\\.')));
      for (const rec of fx.layers) {
        if (rec.className === 'InputLayer') continue;
        const mine = r.layers.find((l) => l.name === rec.name);
        assert.ok(mine, `layer '${rec.name}' is not in the result`);
        assert.deepEqual(mine.mask, rec.mask, `mask of layer '${rec.name}'`);
      }
      assert.deepEqual(r.outputMask, fx.outputMask, 'the mask that reaches the loss');
      assert.ok(r.loss && r.perTimestepLoss, 'no loss');
      assertClose(flat(r.perTimestepLoss), values(fx.perTimestepLoss), 'per-timestep loss');
      assertClose([r.loss.keras.value], [num(fx.kerasEvaluate)], "Keras' evaluate");
    });
  }
}
