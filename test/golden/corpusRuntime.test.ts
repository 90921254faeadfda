/**
 * The runtime on every model of the analysis corpus: MaskLens reads each corpus file, runs
 * every model Keras built from it (synthetic padded data, the chosen family's rules), and
 * each layer must carry a mask exactly where real Keras' recorded run had one (the
 * analysis fixtures' `maskOut`). This covers model kinds the runtime fixtures do not:
 * subclassed models, shared layers, nested models, every import style.
 *
 * A model the runtime cannot run must be listed in LIMITS with the reason; an
 * entry that starts to work fails the test, so the list cannot go stale.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import { UserFacingError } from '../../src/core/protocol/task';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import type { Fixture } from '../core/goldenCompare';

const root = join(__dirname, '..', '..');
const dir = join(root, 'test/golden/fixtures/analysis');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

/** `file#model` → the runtime's refusal, as a substring of its message. */
const LIMITS: Record<string, string> = {
  // Synthetic data needs the input's shape; a subclassed model taking a tuple states none in the source.
  'c53_subclassed_tuple_input.keras3.json#policy': 'no data fixes the shape of its input',
};

let analyzer: Analyzer;
before(async () => {
  analyzer = await createAnalyzer();
});
after(() => analyzer?.dispose());

const noProgress = { progress: () => undefined, cancelled: () => false };

for (const name of files) {
  const fixture = JSON.parse(readFileSync(join(dir, name), 'utf8').replace(/\bNaN\b/g, '"NaN"')) as Fixture;
  const runnable = fixture.models.filter((m) => !m.probeError && m.layers.some((l) => l.maskOut !== null));
  if (fixture.error || runnable.length === 0) continue;
  test(`runtime masks equal Keras' on ${name}`, async () => {
    const analysis = analyzer.analyze(readFileSync(join(root, fixture.file), 'utf8'), {
      file: fixture.file,
      family: fixture.family,
      kerasVersion: fixture.kerasVersion,
    });
    for (const fx of runnable) {
      const names = [fx.name, ...(fx.aliases ?? [])];
      const ir = analysis.ir.models.find((m) => names.includes(m.name));
      assert.ok(ir, `${fx.name}: not found by the analysis`);
      const limit = LIMITS[`${name}#${fx.name}`];
      const run = runTask(
        {
          kind: 'evaluate',
          model: {
            name: ir.name,
            config: ir.config,
            lambdas: ir.lambdas,
            customLayers: ir.customLayers,
            training: runtimeModelOf(ir).training,
          },
          family: fixture.family,
          kerasVersion: fixture.kerasVersion,
          data: { source: 'synthetic', samples: 4, minLength: 2, timesteps: 6, seed: 5 },
          dimensions: { timesteps: 6 },
          layerOutputs: false,
        },
        noProgress,
      );
      if (limit) {
        await assert.rejects(
          run,
          (e: unknown) => e instanceof UserFacingError && e.message.includes(limit),
          `${fx.name}: expected the known limit "${limit}"`,
        );
        continue;
      }
      const result = await run;
      assert.equal(result.backend, 'tensorflow', 'the runtime fell back to the cpu backend');
      for (const layer of fx.layers) {
        if (layer.maskOut === null || layer.className === 'InputLayer') continue;
        const mine = result.layers.find((l) => l.name === layer.name);
        if (!mine) continue; // a layer inside a nested model: its model's own record is compared
        assert.equal(
          mine.maskShape !== null,
          layer.maskOut,
          `${fx.name}/${layer.name} (${layer.className}): mask ${layer.maskOut ? 'expected' : 'not expected'}`,
        );
        // A Lambda's mask= function sees the masks of a list argument as a list: masks[0] is the first input's
        // (batch, steps) mask over its (batch, steps, features) output, not that mask's first row.
        if (layer.className === 'Lambda' && mine.maskShape && layer.outputShape)
          assert.equal(
            mine.maskShape.length,
            layer.outputShape.length - 1,
            `${fx.name}/${layer.name} (${layer.className}): mask of shape [${mine.maskShape.join(', ')}] over an output of rank ${layer.outputShape.length}`,
          );
      }
    }
  });
}
