/**
 * A training run reports its compiled metrics after every epoch, for the training data and the
 * validation data: each is what an evaluate of the epoch's weights on that data reports.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { resultToCsv } from '../../src/core/export';
import { runTask } from '../../src/worker/registry';
import { analyze, model } from '../core/helpers';
import { arr, ctx } from './helpers';

const TAGGER = [
  'import keras',
  'from keras import layers',
  "m = keras.Sequential([layers.Input((5,)), layers.Embedding(7, 4, mask_zero=True), layers.LSTM(6, return_sequences=True), layers.Dense(3, activation='softmax')])",
  "m.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])",
  '',
].join('\n');

const x = arr([4, 5], [1, 2, 3, 0, 0, 4, 5, 6, 2, 0, 3, 3, 0, 0, 0, 6, 5, 4, 3, 2]);
const y = arr([4, 5, 1], [0, 1, 2, 0, 0, 2, 1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 2]);
const valX = arr([2, 5], [2, 4, 0, 0, 0, 1, 1, 5, 6, 0]);
const valY = arr([2, 5, 1], [1, 0, 0, 0, 0, 2, 2, 1, 0, 0]);

for (const family of ['keras3', 'tf-keras2'] as const) {
  test(`${family}: each epoch's metrics are those an evaluate of its weights reports, on the training and the validation data`, async () => {
    const rm = runtimeModelOf(model(await analyze(TAGGER), 'm').ir);
    const trained = await runTask(
      {
        kind: 'train',
        model: rm,
        family,
        data: { source: 'inline', x, y },
        validation: { data: { source: 'inline', x: valX, y: valY } },
        epochs: 2,
        batchSize: 2,
        shuffle: false,
        returnWeights: true,
      },
      ctx,
    );
    assert.equal(trained.kind, 'train');
    if (trained.kind !== 'train' || !trained.weights) return assert.fail('no weights came back');
    const last = trained.history[trained.history.length - 1];
    const evaluateOn = async (data: { x: typeof x; y: typeof y }) => {
      const r = await runTask(
        {
          kind: 'evaluate',
          model: rm,
          family,
          data: { source: 'inline', ...data },
          weights: { source: 'inline', layers: trained.weights ?? [] },
        },
        ctx,
      );
      assert.equal(r.kind, 'evaluate');
      return r.kind === 'evaluate' ? r.metrics : [];
    };
    for (const [epochMetrics, data] of [
      [last.train.metrics, { x, y }],
      [last.val?.metrics ?? [], { x: valX, y: valY }],
    ] as const) {
      const evaluated = await evaluateOn(data);
      assert.deepEqual(
        epochMetrics.map((m) => m.name),
        ['accuracy'],
      );
      assert.deepEqual(epochMetrics, evaluated);
      assert.ok(epochMetrics[0].masked !== null && epochMetrics[0].masked !== epochMetrics[0].unmasked);
    }
    const csv = resultToCsv(trained).split(/\r?\n/);
    assert.match(csv[0], /,accuracy,val_accuracy$/);
  });
}
