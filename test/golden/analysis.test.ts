/**
 * Golden test: for each fixture recorded from real Keras 3 / tf-keras (test/golden/
 * fixtures/analysis/*.json), MaskLens reads the same source file and must build the same
 * models (classes, names, order, connections, arguments) and predict the same masks.
 * An empty or missing fixture folder fails: this test never passes vacuously.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import { compareModel, type Fixture } from '../core/goldenCompare';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'test/golden/fixtures/analysis');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

/**
 * Differences MaskLens cannot remove, with the reason. Each entry is matched as a
 * substring of a reported problem for that fixture; an entry that no longer matches
 * anything fails the test, so the list cannot go stale.
 */
const KNOWN: Record<string, { problem: string; why: string }[]> = {
  'c40_custom_layer_supports_masking.tf-keras2.json': [
    {
      problem: 'supported/class_attribute_relu: supports_masking false but Keras says true',
      why: "a class attribute supports_masking = True shadows tf.keras' property, so layer.supports_masking reads True, but tf.keras' __call__ reads the private _supports_masking and drops the mask (the golden's masks show it)",
    },
  ],
};

let analyzer: Analyzer;
before(async () => {
  analyzer = await createAnalyzer();
});
after(() => analyzer?.dispose());

test('analysis fixtures exist', () => {
  assert.ok(existsSync(dir), `missing ${dir}: run the golden generator`);
  assert.ok(files.length > 0, `no fixtures in ${dir}`);
});

for (const name of files) {
  test(`golden ${name}`, () => {
    const fixture = JSON.parse(readFileSync(join(dir, name), 'utf8').replace(/\bNaN\b/g, '"NaN"')) as Fixture;
    const source = join(root, fixture.file);
    assert.ok(existsSync(source), `fixture source ${fixture.file} is missing`);
    const analysis = analyzer.analyze(readFileSync(source, 'utf8'), {
      file: fixture.file,
      family: fixture.family,
      kerasVersion: fixture.kerasVersion,
    });
    assert.ok(
      !analysis.diagnostics.some((d) => d.code === 'internal-error'),
      analysis.diagnostics.map((d) => d.message).join('\n'),
    );
    const problems: string[] = [];
    for (const fx of fixture.models) {
      const names = [fx.name, ...(fx.aliases ?? [])];
      const ours = analysis.models.find((m) => names.includes(m.ir.name));
      if (!ours) {
        problems.push(
          `${fx.name}: model not found (MaskLens has ${analysis.models.map((m) => m.ir.name).join(', ') || 'none'})`,
        );
        continue;
      }
      problems.push(...compareModel(fx, ours, fixture.family));
    }
    if (fixture.error && /does not support masking/.test(fixture.error)) {
      const all = [...analysis.diagnostics, ...analysis.models.flatMap((m) => m.diagnostics)];
      if (!all.some((d) => d.code === 'mask-destroyed' && d.severity === 'error'))
        problems.push(`Keras raised "${fixture.error.slice(0, 120)}" but MaskLens reports no mask-destroyed error`);
    }
    const known = KNOWN[name] ?? [];
    for (const k of known)
      assert.ok(
        problems.some((p) => p.includes(k.problem)),
        `${name}: known difference "${k.problem}" no longer occurs; remove it`,
      );
    const open = problems.filter((p) => !known.some((k) => p.includes(k.problem)));
    assert.deepEqual(open, [], `${name}:\n  ${open.join('\n  ')}`);
  });
}
