import assert from 'node:assert/strict';
import { test } from 'node:test';
import { presenceRepresentation } from '../../src/core/masking/presence';
import { applyMaskRule } from '../../src/core/masking/apply';
import { maskEffect } from '../../src/core/masking/effect';
import { MASK_RULES, resolveMaskRule } from '../../src/core/layers/rules';
import { familyBehaviour, FAMILIES, inVersionRange } from '../../src/core/masking/registry';

test('InputLayer has a rule in both families', () => {
  for (const cls of ['InputLayer']) {
    for (const family of ['keras3', 'tf-keras2'] as const)
      assert.ok(resolveMaskRule(cls, family).known, `${cls} / ${family}`);
  }
});

test('rules are versioned data: keras-team/keras#23235 from 3.16.0', () => {
  assert.equal(resolveMaskRule('LSTM', 'keras3', '3.15.1').output, 'rnn');
  assert.equal(resolveMaskRule('LSTM', 'keras3', '3.16.0').output, 'consume');
  assert.equal(resolveMaskRule('Bidirectional', 'keras3', '3.16.2').output, 'consume');
  assert.equal(resolveMaskRule('LSTM', 'tf-keras2').output, 'rnn');
  assert.ok(MASK_RULES.LSTM.some((r) => r.from === '3.16.0'));
});

test('families: reference versions and what an unsupported layer does with a mask', () => {
  assert.equal(FAMILIES.keras3.referenceVersion, '3.15.1');
  assert.equal(FAMILIES['tf-keras2'].referenceVersion, '2.21.0');
  assert.equal(familyBehaviour('keras3').unsupportedMask, 'drop-with-warning');
  assert.equal(familyBehaviour('tf-keras2').unsupportedMask, 'drop-silently');
  assert.equal(familyBehaviour('tf-keras2', '2.2.4').unsupportedMask, 'raise');
});

test('merging layers differ by family (golden c17/c19)', () => {
  assert.equal(resolveMaskRule('Add', 'keras3').output, 'merge-all');
  assert.equal(resolveMaskRule('Add', 'tf-keras2').output, 'merge');
  const add = (family: 'keras3' | 'tf-keras2') =>
    applyMaskRule(presenceRepresentation({ family, version: FAMILIES[family].referenceVersion, customs: {} }), {
      layer: 'add',
      className: 'Add',
      config: {},
      rule: resolveMaskRule('Add', family),
      inputs: [null, null],
      masks: [true, false],
      firstArgCount: 2,
      inputIsList: true,
    });
  assert.deepEqual(add('keras3').out, [false]);
  assert.deepEqual(add('keras3').events, ['merge-dropped']);
  assert.deepEqual(add('tf-keras2').out, [true]);
  assert.deepEqual(add('tf-keras2').events, []);
  assert.equal(maskEffect('merge-all', {}, true, false), 'destroys');
});

test('TimeDistributed asks the wrapped layer in tf.keras only', () => {
  assert.equal(resolveMaskRule('TimeDistributed', 'tf-keras2').innerUnsupported, 'raise');
  assert.equal(resolveMaskRule('TimeDistributed', 'keras3').innerUnsupported, 'ignore');
});

test('unknown classes resolve to "unsupported", marked unknown', () => {
  const r = resolveMaskRule('Conv2D', 'keras3');
  assert.equal(r.known, false);
  assert.equal(r.output, 'unsupported');
});

test('version ranges compare releases numerically: from inclusive, until exclusive', () => {
  assert.ok(inVersionRange('3.15.1', { from: '3.9.0' }));
  assert.ok(!inVersionRange('3.9.0', { from: '3.15.1' }));
  assert.ok(inVersionRange('3.15.1', { until: '3.16.0' }));
  assert.ok(!inVersionRange('3.16.0', { until: '3.16.0' }));
  assert.ok(inVersionRange('2.21', { from: '2.21.0', until: '2.22.0' }), '2.21 is 2.21.0');
});
