/**
 * Custom layer classes run as Keras runs them: the real-world corpus files whose models hold
 * custom layers (weights made in build() or __init__, calls taking mask=, compute_mask,
 * layers held inside them, MultiHeadAttention blocks) evaluate to the loss real Keras
 * reported with the same weights; a custom layer MaskLens cannot translate is refused with
 * one sentence naming where its translation stops.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import type { KerasFamily } from '../../src/core/ir';
import { UserFacingError } from '../../src/core/protocol/task';
import { runTask } from '../../src/worker/registry';
import { readGolden, ROOT } from '../realworld/goldens';
import { scoreFile } from '../realworld/score';
import { ctx } from './helpers';

let analyzer: Analyzer;
before(async () => {
  analyzer = await createAnalyzer();
});
after(() => analyzer?.dispose());

/** Corpus files whose evaluated models hold custom layers, and the families Keras ran them in. */
const CASES: [string, KerasFamily][] = [
  ['masking_guide_keras3_ops', 'keras3'],
  ['masking_guide_custom_layers', 'tf-keras2'],
  ['imdb_average_embedding_custom_mask', 'tf-keras2'],
  ['mha_padding_mask_functional', 'keras3'],
  ['mha_padding_mask_functional', 'tf-keras2'],
  ['causal_mha_decoder_only_keras3', 'keras3'],
  ['text_classifier_transformer_keras_io', 'keras3'],
];

for (const [stem, family] of CASES) {
  test(`${stem} (${family}): every model with custom layers evaluates to Keras' loss`, async () => {
    const golden = readGolden(stem, family);
    const source = readFileSync(join(ROOT, golden.file), 'utf8');
    const score = await scoreFile(stem, golden, source, analyzer, (request) => runTask(request, ctx));
    const evaluations = score.models.flatMap((m) => m.evaluations.map((e) => ({ model: m.name, ...e })));
    assert.ok(evaluations.length > 0, `${stem}: the golden records no evaluation`);
    for (const e of evaluations) {
      assert.equal(e.status, 'ran', `${stem}/${e.model}: ${e.message ?? ''}`);
      assert.ok((e.relativeError ?? Infinity) <= 1e-5, `${stem}/${e.model}: loss ${e.masklens} vs Keras ${e.keras}`);
    }
  });
}

test('a custom layer whose call cannot be translated is refused, naming the code that stops it', async () => {
  const text = [
    'import keras',
    'from keras import layers',
    'class Loop(layers.Layer):',
    '    def call(self, x):',
    '        while True:',
    '            return x * 2.0',
    'inp = keras.Input(shape=(4, 3))',
    'model = keras.Model(inp, layers.Dense(1)(Loop()(inp)))',
    'model.compile(optimizer="adam", loss="mse")',
  ].join('\n');
  const ir = analyzer.analyze(text, { file: 'loop.py', family: 'keras3' }).ir.models[0];
  assert.ok(ir);
  await assert.rejects(
    runTask(
      {
        kind: 'evaluate',
        model: {
          name: ir.name,
          config: ir.config,
          lambdas: ir.lambdas,
          customLayers: ir.customLayers,
          training: { loss: 'mse' },
        },
        data: { source: 'synthetic', samples: 2 },
      },
      ctx,
    ),
    (e: unknown) => {
      assert.ok(e instanceof UserFacingError, String(e));
      assert.match(e.message, /^Loop 'loop': MaskLens cannot run it: its call\(\) stops at `while True:/);
      assert.match(e.message, /\(line 5\)$/);
      return true;
    },
  );
});
