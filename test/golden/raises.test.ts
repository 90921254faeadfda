/**
 * Where real tf.keras raises instead of computing: corpus c37 wraps Reshape (no masking) in
 * TimeDistributed behind a mask. tf-keras' golden run recorded the TypeError; the runtime
 * must raise the same error under `tf-keras2`, and pass the mask on under `keras3`, as the
 * Keras 3 golden run recorded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import type { KerasFamily, KerasModelConfig } from '../../src/core/ir';
import { UserFacingError } from '../../src/core/protocol/task';
import { ModelRuntime } from '../../src/worker/executor';
import { buildGraph } from '../../src/core/graph/fromConfig';
import { loadTf } from '../../src/worker/tf';

interface AnalysisFixture {
  error: string | null;
  models: { config: KerasModelConfig | null; layers: { name: string; maskOut: boolean | null }[] }[];
}

const fixture = (family: KerasFamily): AnalysisFixture =>
  JSON.parse(
    readFileSync(
      join(__dirname, 'fixtures', 'analysis', `c37_timedistributed_unsupported_inner.${family}.json`),
      'utf8',
    ),
  ) as AnalysisFixture;

const { tf } = loadTf();
const keras3 = fixture('keras3');
const config = keras3.models[0].config as KerasModelConfig;
const tokens = () =>
  tf.tensor2d([
    [3, 5, 0, 0, 0],
    [1, 2, 3, 4, 0],
  ]);

function run(family: KerasFamily): Map<string, boolean> {
  const runtime = new ModelRuntime(tf, buildGraph(config), { family, seed: 1, lambdas: {}, weights: null });
  const masks = new Map<string, boolean>();
  try {
    tf.tidy(() => {
      for (const r of runtime.forward([tokens()], false).records) masks.set(r.layer.name, r.mask !== null);
    });
    return masks;
  } finally {
    runtime.dispose();
  }
}

test('c37 under keras3: TimeDistributed passes the mask on past a wrapped Reshape, as Keras 3 did', () => {
  assert.equal(keras3.error, null);
  const masks = run('keras3');
  for (const l of keras3.models[0].layers) {
    if (l.maskOut === null || !masks.has(l.name)) continue;
    assert.equal(masks.get(l.name), l.maskOut, `mask out of '${l.name}'`);
  }
});

test('c37 under tf-keras2: the runtime raises the TypeError tf.keras raised', () => {
  const recorded = fixture('tf-keras2').error ?? '';
  const message = /^TypeError: (Layer \w+ does not support masking)/.exec(recorded)?.[1];
  assert.ok(message, `the tf-keras golden run did not raise the expected TypeError: ${recorded}`);
  assert.throws(
    () => run('tf-keras2'),
    (e: unknown) => e instanceof UserFacingError && e.message.includes(message),
  );
});
