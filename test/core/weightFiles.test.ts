/**
 * The files a source saves a model to or loads its weights from, as the reader notes them,
 * and which of them evaluate offers: those that exist, in a format MaskLens reads, with a
 * path the source writes out (not one Keras formats per epoch).
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { weightFileCandidates } from '../../src/core/saved/weightFiles';
import { analyze, model } from './helpers';

const SOURCE = `import keras
from keras import layers
from keras.callbacks import ModelCheckpoint

CHECKPOINT = "checkpoints/best.weights.h5"
inputs = keras.Input(shape=(5,), dtype="int32")
x = layers.Embedding(10, 4, mask_zero=True)(inputs)
outputs = layers.LSTM(3, return_sequences=True)(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.load_weights("warm_start.weights.h5")
model.fit(x_train, y_train, callbacks=[ModelCheckpoint(CHECKPOINT, save_best_only=True), ModelCheckpoint("epoch.{epoch:02d}.keras")])
model.save(f"{'final'}.keras")
model.save_weights("final.weights.h5")
restored = keras.models.load_model("final.keras")
`;

test('save, save_weights, load_weights, ModelCheckpoint in fit and load_model of a saved model are noted, with their lines', async () => {
  const m = model(await analyze(SOURCE), 'model');
  const files = (m.ir.training.weightFiles ?? []).map((f) => `${f.how} ${f.path} line ${f.range.start.line + 1}`);
  assert.deepEqual(files, [
    'load_weights warm_start.weights.h5 line 11',
    'ModelCheckpoint checkpoints/best.weights.h5 line 12',
    'ModelCheckpoint epoch.{epoch:02d}.keras line 12',
    'save final.keras line 13',
    'save_weights final.weights.h5 line 14',
    'load_model final.keras line 15',
  ]);
});

test('evaluate offers the files that exist, first mention first, from the source folder before the workspace', () => {
  const mentions = [
    { path: 'warm_start.weights.h5', how: 'load_weights' as const, line: 11 },
    { path: 'checkpoints/best.weights.h5', how: 'ModelCheckpoint' as const, line: 12 },
    { path: 'epoch.{epoch:02d}.keras', how: 'ModelCheckpoint' as const, line: 12 },
    { path: 'final.keras', how: 'save' as const, line: 13 },
    { path: 'final.keras', how: 'load_model' as const, line: 15 },
    { path: 'saved_model_dir', how: 'save' as const, line: 16 },
  ];
  const present = new Set([
    '/ws/src/final.keras',
    '/ws/checkpoints/best.weights.h5',
    '/ws/final.keras',
    '/ws/epoch.{epoch:02d}.keras',
    '/ws/src/saved_model_dir',
  ]);
  const found = weightFileCandidates(mentions, ['/ws/src', '/ws'], (f) => present.has(f));
  assert.deepEqual(
    found.map((c) => [c.file, c.label]),
    [
      ['/ws/checkpoints/best.weights.h5', 'checkpoints/best.weights.h5 (ModelCheckpoint at line 12)'],
      ['/ws/src/final.keras', 'final.keras (save at line 13)'],
    ],
  );
});
