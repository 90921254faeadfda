/**
 * Every layer class MaskLens knows, enumerated from both sides: the classes the analysis
 * reads (layer entries, the Keras 2 aliases, the merge helpers) and the classes the runtime
 * implements. A class on one side only fails, and every class must have a mask rule in both
 * families at every version a row names, a shape rule and its config defaults.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { LayerEntry } from '../../src/core/layers/entry';
import { CLASS_ALIASES, LAYER_ENTRIES, MERGE_HELPERS } from '../../src/core/layers/index';
import { MASK_RULES, resolveMaskRule } from '../../src/core/layers/rules';
import { FAMILIES } from '../../src/core/masking/registry';
import { RUNTIME_CLASSES } from '../../src/worker/layers/index';

const entries: Record<string, LayerEntry> = LAYER_ENTRIES;
const analysisClasses = new Set<string>([
  ...Object.keys(LAYER_ENTRIES),
  ...Object.values(CLASS_ALIASES),
  ...Object.values(MERGE_HELPERS),
]);
const runtimeClasses = new Set<string>(Object.keys(RUNTIME_CLASSES));

test('every class the analysis reads has a runtime implementation', () => {
  assert.deepEqual(
    [...analysisClasses].filter((c) => !runtimeClasses.has(c)),
    [],
  );
});

test('every class the runtime implements is one the analysis reads', () => {
  assert.deepEqual(
    [...runtimeClasses].filter((c) => !analysisClasses.has(c)),
    [],
  );
});

test('the mask-rule registry holds exactly the entries (and InputLayer, a graph input)', () => {
  assert.deepEqual(Object.keys(MASK_RULES).sort(), [...Object.keys(LAYER_ENTRIES), 'InputLayer'].sort());
});

test('every class has a rule in both families at every version its rows name, a shape rule and defaults', () => {
  for (const [name, entry] of Object.entries(entries)) {
    const versions = {
      keras3: new Set([
        FAMILIES.keras3.referenceVersion,
        ...entry.mask
          .filter((r) => r.family === 'keras3')
          .flatMap((r) => [r.from, r.until].filter((v): v is string => v !== undefined)),
      ]),
      'tf-keras2': new Set([
        FAMILIES['tf-keras2'].referenceVersion,
        ...entry.mask
          .filter((r) => r.family === 'tf-keras2')
          .flatMap((r) => [r.from, r.until].filter((v): v is string => v !== undefined)),
      ]),
    };
    for (const family of ['keras3', 'tf-keras2'] as const) {
      for (const version of versions[family]) {
        const rule = resolveMaskRule(name, family, version);
        assert.ok(rule.known, `${name}: no mask rule for ${family} ${version}`);
        assert.ok(rule.evidence.length > 0, `${name}: a rule without evidence`);
      }
    }
    assert.equal(typeof entry.shape, 'function', `${name}: no shape rule`);
    const defaults = entry.signature.defaults();
    assert.ok(defaults && typeof defaults === 'object' && !Array.isArray(defaults), `${name}: no config defaults`);
    assert.notEqual(
      entry.signature.defaults(),
      defaults,
      `${name}: defaults must be a fresh object each time (the reader fills it in)`,
    );
  }
});
