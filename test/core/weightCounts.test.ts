/**
 * Golden test of the memory estimate's weight counts: for every model real Keras built in the
 * golden corpus, each layer's count from its entry's rule (src/core/layers) must equal Keras'
 * own `count_params()` (recorded in the analysis fixtures), and for every runtime fixture the
 * sizes of the weights Keras wrote. The estimate is what refuses a model too large before
 * anything is allocated, so a wrong count would either refuse a model that fits or let one
 * through that does not.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildGraph } from '../../src/core/graph/fromConfig';
import type { ModelGraph } from '../../src/core/graph/modelGraph';
import type { KerasModelConfig } from '../../src/core/ir';
import { UserFacingError } from '../../src/core/protocol/task';
import { CLASS_ALIASES, layerEntry } from '../../src/core/layers/index';
import { modelCost } from '../../src/core/runtime/modelCost';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = (kind: string) =>
  readdirSync(join(root, 'test/golden/fixtures', kind))
    .filter((f) => f.endsWith('.json'))
    .sort();
// Analysis fixtures write NaN bare (Python's json), as the analysis golden test reads them.
const read = (kind: string, file: string) => {
  const text = readFileSync(join(root, 'test/golden/fixtures', kind, file), 'utf8');
  return JSON.parse(kind === 'analysis' ? text.replace(/\bNaN\b/g, '"NaN"') : text);
};

function holdsCustomClass(graph: ModelGraph): boolean {
  return [...graph.layers.values()].some((spec) =>
    spec.nested
      ? holdsCustomClass(spec.nested)
      : spec.kind !== 'input' &&
        spec.kind !== 'op' &&
        layerEntry(CLASS_ALIASES[spec.className] ?? spec.className) === undefined,
  );
}

/** Our count for each top-level layer; a model used as a layer counts its own layers. */
function countsByLayer(graph: ModelGraph): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const cost = modelCost(graph);
  for (const spec of graph.layers.values()) {
    if (spec.kind === 'input' || spec.kind === 'op') continue;
    if (spec.nested) {
      const inner = modelCost(spec.nested).layers;
      out.set(spec.name, inner.some((l) => l.params === null) ? null : inner.reduce((a, l) => a + (l.params ?? 0), 0));
    } else out.set(spec.name, cost.layers.find((l) => l.name === spec.name)?.params ?? null);
  }
  return out;
}

/** Classes whose entry has a weight-count rule: each must be checked against Keras at least once. */
const RULED = [
  'Dense',
  'Embedding',
  'EinsumDense',
  'Conv1D',
  'LSTM',
  'GRU',
  'SimpleRNN',
  'Bidirectional',
  'TimeDistributed',
  'BatchNormalization',
  'LayerNormalization',
  'Attention',
  'AdditiveAttention',
  'MultiHeadAttention',
];

test("every layer's weight count equals Keras' count_params() (analysis fixtures, both families)", () => {
  const checked = new Map<string, number>();
  const problems: string[] = [];
  for (const file of fixtures('analysis')) {
    const fixture = read('analysis', file) as {
      models: {
        name: string;
        config: KerasModelConfig | null;
        layers: { name: string; className: string; params?: number | null }[];
      }[];
    };
    for (const model of fixture.models) {
      if (!model.config) continue;
      let graph: ModelGraph;
      try {
        graph = buildGraph(model.config);
      } catch (error) {
        // Keras' own config of a subclassed model lists no layers to count (the analysis reads those from the source).
        if (error instanceof UserFacingError && error.code === 'model-config') continue;
        throw error;
      }
      const ours = countsByLayer(graph);
      for (const layer of model.layers) {
        if (layer.params === undefined || layer.params === null || !ours.has(layer.name)) continue;
        const count = ours.get(layer.name);
        // Unknown only where the config leaves the shape the count needs open (a Sequential built without an input shape).
        if (count === null) continue;
        if (count !== layer.params)
          problems.push(
            `${file} ${model.name}/${layer.name} (${layer.className}): MaskLens counts ${count}, Keras ${layer.params}`,
          );
        checked.set(layer.className, (checked.get(layer.className) ?? 0) + 1);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(
    RULED.filter((c) => !checked.has(c)),
    [],
    `classes never checked against Keras (checked: ${[...checked.keys()].join(', ')})`,
  );
});

test("every layer's weight count equals the sizes of the weights Keras wrote (runtime fixtures, both families)", () => {
  let layers = 0;
  const problems: string[] = [];
  for (const file of fixtures('runtime')) {
    const fixture = read('runtime', file) as {
      config?: KerasModelConfig;
      weights?: { layer: string; weights: { shape: number[] }[] }[];
    };
    if (!fixture.config || !fixture.weights) continue;
    const graph = buildGraph(fixture.config);
    const ours = countsByLayer(graph);
    // A class defined in the user's source (in the model or in a model it nests) has no entry: from
    // Keras' config alone its count, and the shapes after it, are unknown (the runtime charges
    // its weights as it creates them).
    const custom = holdsCustomClass(graph);
    for (const w of fixture.weights) {
      const keras = w.weights.reduce((a, x) => a + x.shape.reduce((p, q) => p * q, 1), 0);
      const count = ours.get(w.layer);
      if (count === null && custom) continue;
      if (count !== keras) problems.push(`${file} ${w.layer}: MaskLens counts ${count}, Keras wrote ${keras} values`);
      layers++;
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(layers > 100, `only ${layers} layers compared`);
});
