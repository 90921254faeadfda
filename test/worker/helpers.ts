/** Small Keras 3-format model configs for worker tests. */
import assert from 'node:assert/strict';
import type { JsonObject, KerasModelConfig } from '../../src/core/ir';
import type { RowSource } from '../../src/core/data/rowSource';
import type { EvaluateResult, RuntimeModel } from '../../src/core/protocol/runtimeTasks';
import { openSession, type Session } from '../../src/worker/session';

export function layer(className: string, config: JsonObject): { class_name: string; config: JsonObject } {
  return { class_name: className, config };
}

let counter = 0;

/** A Sequential config with an InputLayer of `shape` (per sample). */
export function sequential(
  shape: (number | null)[],
  layers: { class_name: string; config: JsonObject }[],
  dtype = 'float32',
): KerasModelConfig {
  const named = layers.map((l) => ({
    ...l,
    config: { name: `${l.class_name.toLowerCase()}_${++counter}`, ...l.config },
  }));
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, ...shape], dtype, name: 'input_layer' } },
        ...named,
      ],
    },
  };
}

export const ctx = { progress: () => undefined, cancelled: () => false };

export function arr(shape: number[], values: number[]) {
  return { shape, dtype: 'float32', values };
}

/** Two evaluations of the same model on the same rows, read two ways: every number they report is the same. */
export function assertSameEvaluation(a: EvaluateResult, b: EvaluateResult): void {
  assert.ok(a.loss && b.loss);
  for (const id of ['none', 'valid-mean', 'total-mean', 'sequence-mean'] as const)
    assert.equal(a.loss[id], b.loss[id], id);
  assert.equal(a.loss.keras.value, b.loss.keras.value);
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(a.paddingShareOfUnmaskedLoss, b.paddingShareOfUnmaskedLoss);
  assert.deepEqual(a.perTimestepLoss, b.perTimestepLoss);
  assert.deepEqual(a.output, b.output);
  assert.deepEqual(a.outputMask, b.outputMask);
  assert.deepEqual(
    a.layers.map((l) => l.maskSummary),
    b.layers.map((l) => l.maskSummary),
  );
}

/**
 * A Keras 3 evaluation session over data files, as the streaming tests open it (seed 1, NaN
 * reported, every file readable); `memoryCapMB` and the shown samples as the test needs.
 */
export function fileSession(
  config: KerasModelConfig,
  training: RuntimeModel['training'],
  data: { x: string; y?: string },
  o: { memoryCapMB?: number; kept?: number } = {},
): Session {
  return openSession(
    {
      model: { name: 'm', config, lambdas: {}, training },
      family: 'keras3',
      data: { source: 'file', ...data },
      seed: 1,
      memoryCapMB: o.memoryCapMB ?? 2048,
      nanPolicy: 'report',
      dimensions: {},
      access: { mode: 'trusted' },
    },
    { kind: 'evaluate', kept: o.kept ?? 4 },
  );
}

/** What a file read by rows has read so far (-1 and Infinity for data held whole). */
export function readCounts(source: RowSource): { rowsRead: number; largestRead: number } {
  const rowsRead = 'rowsRead' in source && typeof source.rowsRead === 'number' ? source.rowsRead : -1;
  const largestRead = 'largestRead' in source && typeof source.largestRead === 'number' ? source.largestRead : Infinity;
  return { rowsRead, largestRead };
}
