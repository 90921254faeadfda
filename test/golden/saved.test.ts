/**
 * Models trained a few steps and saved by real Keras 3 and tf-keras in every format Keras
 * writes (test/golden/saved_models.py): MaskLens reads each file — the model from a `.keras`
 * archive or a legacy `.h5`, the weights from each of the three — and every layer's mask,
 * the per-timestep loss and what Keras' evaluate reports must equal Keras' within 1e-5
 * relative, and the result must name the file whose weights it used.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { parseNpy } from '../../src/core/data/npy';
import { evaluateRequestSchema, runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
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
  files: { keras: string; h5: string; weightsH5: string };
  h5LoadError: string | null;
  inputs: Arr;
  targets: Arr;
  loss: string;
  layers: { name: string; className: string; mask: number[][] | null }[];
  outputMask: number[][] | null;
  perTimestepLoss: Arr;
  kerasEvaluate: Num;
}

const num = (v: Num): number => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);

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
const fixtures = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];

test('saved-model golden fixtures exist for both families', () => {
  const families = new Set(fixtures.map((f) => f.split('.')[1]));
  assert.deepEqual([...families].sort(), ['keras3', 'tf-keras2'], `fixtures in ${DIR}: run \`node tools/golden.mjs --saved\``);
});

for (const file of fixtures) {
  const fx = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
  const archive = readSavedModel(new Uint8Array(readFileSync(join(DIR, fx.files.keras))), fx.files.keras);
  // The model from each file that holds one; the weights-only file with the archive's model, as a source file would build it.
  const formats = [
    { label: '.keras archive', model: archive, weights: fx.files.keras, format: 'keras-archive' },
    { label: 'legacy .h5 model', model: readSavedModel(new Uint8Array(readFileSync(join(DIR, fx.files.h5))), fx.files.h5), weights: fx.files.h5, format: 'legacy-h5' },
    { label: '.weights.h5 checkpoint', model: archive, weights: fx.files.weightsH5, format: 'weights-h5' },
  ] as const;
  for (const f of formats) {
    test(`${fx.case} [${fx.family}] from its ${f.label}: masks and losses equal Keras'`, async () => {
      assert.equal(f.model.kerasVersion?.split('.')[0], fx.family === 'keras3' ? '3' : '2', 'the saving Keras version');
      const model = runtimeModelOf(savedModelIR(f.model));
      const request = evaluateRequestSchema.parse({
        kind: 'evaluate',
        model: { ...model, training: { ...model.training, batchSize: fx.inputs.shape[0] } },
        family: fx.family,
        data: { source: 'inline', x: { ...fx.inputs, values: values(fx.inputs) }, y: { ...fx.targets, values: values(fx.targets) } },
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
