/**
 * The MaskLens side: requests built from a Python file exactly as the extension builds them
 * (static analysis → ModelIR → request), the Keras side's initial weights attached, and task
 * runs timed from the harness, with the worker's progress events timestamped on arrival.
 */
import { readFileSync } from 'node:fs';
import { createAnalyzer } from '../../src/core/analysis/analyzer';
import { sourceData } from '../../src/core/data/sourceData';
import type { DataSpec, LayerWeights, RuntimeModel } from '../../src/core/protocol/runtimeTasks';
import type { ProgressEvent } from '../../src/core/protocol/task';
import type { RunOptions, TaskHandle } from '../../src/pool/pool';
import type { RegisteredKind, RequestOf, ResultOf } from '../../src/core/protocol/taskKinds';

export interface LoadedModel {
  model: RuntimeModel;
  /** Arrays the source itself writes (seed 001), as the extension would pick them up. */
  inline: DataSpec | null;
}

export async function loadModel(file: string): Promise<LoadedModel> {
  const analyzer = await createAnalyzer();
  try {
    const analysis = analyzer.analyze(readFileSync(file, 'utf8'), { file, family: 'keras3' });
    const ir = analysis.ir.models[0];
    if (!ir) throw new Error(`no Keras model found in ${file}`);
    const t = ir.training;
    const model: RuntimeModel = {
      name: ir.name,
      config: ir.config,
      lambdas: ir.lambdas,
      training: {
        loss: t.loss ?? undefined,
        optimizer: t.optimizer ?? undefined,
        batchSize: t.batchSize,
        epochs: t.epochs,
      },
    };
    return { model, inline: sourceData(analysis, ir, file).data };
  } finally {
    analyzer.dispose();
  }
}

interface KerasLayerWeights {
  layer: string;
  className: string;
  weights: { name: string; shape: number[]; values: number[] }[];
}

/**
 * Keras' initial weights (bench/keras/server.py export) under MaskLens's layer names. Both
 * list the model's layers in the same order (MaskLens's config keeps the InputLayer), so they
 * are matched by position, and the class names must agree.
 */
export function kerasWeightsFor(model: RuntimeModel, path: string): LayerWeights[] {
  const keras = JSON.parse(readFileSync(path, 'utf8')) as KerasLayerWeights[];
  const ours = model.config.config.layers.filter((l) => l.class_name !== 'InputLayer');
  if (ours.length !== keras.length)
    throw new Error(`${path}: ${keras.length} Keras layers, MaskLens built ${ours.length}`);
  return ours.flatMap((layer, i) => {
    const k = keras[i];
    if (k.className !== layer.class_name)
      throw new Error(`layer ${i}: Keras ${k.className}, MaskLens ${layer.class_name}`);
    if (k.weights.length === 0) return [];
    // Float32Array: structured cloning to the worker copies bytes instead of walking a JS array.
    const weights = k.weights.map((w) => ({ name: w.name, shape: w.shape, values: Float32Array.from(w.values) }));
    return [{ layer: String(layer.config.name), weights }];
  });
}

export interface TimedRun<K extends RegisteredKind> {
  result: ResultOf<K>;
  /** From submitting the task to its validated result, as the extension waits for it. */
  wallMs: number;
  /** Progress events with their arrival time relative to submission. */
  events: { at: number; event: ProgressEvent }[];
}

/** What runs tasks: the pool itself, or the runtime process's client (the extension's way, one process hop more). */
export interface TaskRunner {
  run<K extends RegisteredKind>(request: RequestOf<K> & { kind: K }, options?: RunOptions): TaskHandle<ResultOf<K>>;
}

export async function timedRun<K extends RegisteredKind>(
  runner: TaskRunner,
  request: RequestOf<K> & { kind: K },
): Promise<TimedRun<K>> {
  const events: TimedRun<K>['events'] = [];
  const t0 = performance.now();
  const result = await runner.run<K>(request, {
    onProgress: (event) => events.push({ at: performance.now() - t0, event }),
  }).result;
  return { result, wallMs: performance.now() - t0, events };
}

/**
 * The time one epoch's optimizer steps take, from batch-end timestamps: the spacing of the
 * B−1 intervals between the first and the last batch end, scaled to B steps. The same
 * formula is applied to Keras' on_train_batch_end times, so the two are measured alike, and
 * it leaves out what happens before the first step (model build, tracing) and after the last.
 */
export function stepsOnlyMs(batchEnds: number[]): number | null {
  if (batchEnds.length < 2) return null;
  const b = batchEnds.length;
  return ((batchEnds[b - 1] - batchEnds[0]) * b) / (b - 1);
}

/**
 * A fresh runtime process made ready as Keras' side is before its timed call (built model, one
 * traced batch): the process and TensorFlow started and the model run once on 32 synthetic
 * samples. What the warm-up took is returned, so a row can still say what a cold start costs.
 */
export async function warmUp(runner: TaskRunner, model: RuntimeModel, layers: LayerWeights[]): Promise<number> {
  const t0 = performance.now();
  await runner.run<'evaluate'>(
    {
      kind: 'evaluate',
      model,
      data: { source: 'synthetic', samples: 32 },
      weights: { source: 'inline', layers },
      layerOutputs: false,
    },
    {},
  ).result;
  return performance.now() - t0;
}
