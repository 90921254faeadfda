/**
 * What every runtime task starts with: TensorFlow, the model rebuilt from its config with
 * weights (given or initialised), the data matched to it, and the loss. `dispose()` frees
 * every tensor the session made, so a task leaves `tf.memory().numTensors` where it found it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { JsonValue, KerasFamily } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import { DataError } from '../core/data/errors';
import { subSeed } from '../core/data/random';
import { syntheticTargets } from '../core/data/synthetic';
import { checkMemory } from '../core/data/validate';
import { formatShape } from '../core/format';
import type { NdArray } from '../core/runtime/array';
import { dataSpecSchema, layerWeightsSchema, type LayerWeights, type RuntimeModel, weightsSpecSchema } from '../core/protocol/runtimeTasks';
import { type LoadedData, loadData } from './data';
import { ModelRuntime } from './executor';
import type { Tensor } from './layers/base';
import type { GivenWeight } from './layers/weights';
import { type LossSpec, resolveLoss } from './losses';
import { buildGraph } from '../core/graph/fromConfig';
import { type BackendInfo, loadTf, type Tf } from './tf';

export interface SessionRequest {
  model: RuntimeModel;
  family: KerasFamily;
  kerasVersion?: string;
  data: z.output<typeof dataSpecSchema>;
  weights?: z.output<typeof weightsSpecSchema>;
  loss?: z.output<typeof import('../core/protocol/runtimeTasks').kerasObjectSchema>;
  seed: number;
  memoryCapMB: number;
  nanPolicy: 'report' | 'error';
  dimensions: Record<string, number>;
  allowedRoot?: string;
  /** Which output of a model with several (its name or index); default the first. */
  output?: string | number;
}

/** The output a session evaluates: Keras computes one loss term per output and sums them. */
export interface OutputChoice {
  index: number;
  name: string;
  /** Every output's name, in the model's order. */
  names: string[];
}

export interface Session {
  tf: Tf;
  backend: BackendInfo;
  runtime: ModelRuntime;
  data: LoadedData;
  /** null when neither compile() nor the request names a loss and there are no targets. */
  loss: LossSpec | null;
  warnings: string[];
  tensorsBefore: number;
  /** The chosen output's per-sample shape. */
  outputShape: number[];
  output: OutputChoice;
  dispose(): void;
}


/** Targets against the model's output: equal shapes, sparse labels, or Keras' one-axis squeeze (noted). */
function checkTargets(y: NdArray, outputShape: number[], loss: LossSpec, notes: string[]): void {
  const per = y.shape.slice(1);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (loss.id === 'sparse_categorical_crossentropy') {
    const labels = outputShape.slice(0, -1);
    if (same(per, labels) || same(per, [...labels, 1])) return;
    throw new DataError(`sparse labels have shape ${formatShape(y.shape)}; the model's output ${formatShape([null, ...outputShape])} needs ${formatShape([null, ...labels])}`, 'data-shape', 'y');
  }
  if (same(per, outputShape)) return;
  const squeezable = (a: number[], b: number[]) => a.length === b.length + 1 && a[a.length - 1] === 1 && same(a.slice(0, -1), b);
  if (squeezable(per, outputShape) || squeezable(outputShape, per)) {
    notes.push(`y has shape ${formatShape(y.shape)} and the output ${formatShape([null, ...outputShape])}: Keras squeezes the size-1 axis before the loss`);
    return;
  }
  throw new DataError(`y has shape ${formatShape(y.shape)} but the model's output is ${formatShape([null, ...outputShape])}`, 'data-shape', 'y');
}

function toFloat32(values: ArrayLike<number | null | string>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;
  }
  return out;
}

export function givenWeights(layers: LayerWeights[]): Map<string, GivenWeight[]> {
  const map = new Map<string, GivenWeight[]>();
  for (const l of layers) {
    map.set(
      l.layer,
      l.weights.map((w) => ({ name: w.name, shape: w.shape, values: toFloat32(w.values as ArrayLike<number | null | string>) })),
    );
  }
  return map;
}

const weightsFileSchema = z.union([z.array(layerWeightsSchema), z.object({ weights: z.array(layerWeightsSchema) }), z.object({ layers: z.array(layerWeightsSchema) })]);

export function readWeightsFile(path: string): LayerWeights[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserFacingError(`cannot read weights file: ${error instanceof Error ? error.message : String(error)}`, 'weights-file', path);
  }
  const r = weightsFileSchema.safeParse(parsed);
  if (!r.success) {
    throw new UserFacingError('weights file must be [{"layer", "weights": [{"name", "shape", "values"}]}] in Keras get_weights() order', 'weights-file', path);
  }
  return Array.isArray(r.data) ? r.data : 'weights' in r.data ? r.data.weights : r.data.layers;
}

export function toTensor(tf: Tf, a: NdArray): Tensor {
  return tf.tensor(Float32Array.from(a.data), a.shape, 'float32');
}

export function openSession(request: SessionRequest): Session {
  const { tf, info } = loadTf();
  const tensorsBefore = tf.memory().numTensors;
  const warnings: string[] = [];
  if (info.fallbackReason) warnings.push(`Running on the pure-JS cpu backend: ${info.fallbackReason}`);
  const graph = buildGraph(request.model.config);
  const weights = request.weights
    ? givenWeights(request.weights.source === 'inline' ? request.weights.layers : readWeightsFile(request.weights.path))
    : null;
  const data = loadData(request.data, graph, {
    seed: request.seed,
    memoryCapMB: request.memoryCapMB,
    nanPolicy: request.nanPolicy,
    allowedRoot: request.allowedRoot,
    dimensions: request.dimensions,
  });
  warnings.push(...data.warnings);
  const runtime = new ModelRuntime(tf, graph, {
    family: request.family,
    kerasVersion: request.kerasVersion,
    seed: request.seed,
    lambdas: request.model.lambdas,
    customLayers: request.model.customLayers,
    weights,
  });
  const output = chooseOutput(graph.outputs.map((r) => r.layer), request.output);
  if (output.names.length > 1) {
    warnings.push(`the model has ${output.names.length} outputs (${output.names.join(', ')}); MaskLens evaluates one at a time: this is '${output.name}', whose term Keras reports as ${output.name}_loss`);
  }
  let loss: LossSpec | null = null;
  const lossSource = (request.loss as JsonValue | undefined) ?? lossForOutput(request.model.training?.loss as JsonValue | undefined, output);
  if (lossSource !== undefined && lossSource !== null) loss = resolveLoss(lossSource);
  else if (data.y || data.info.synthetic) {
    loss = resolveLoss('mse');
    warnings.push('the model is not compiled with a loss; using mse');
  }
  let outputShape: number[] = [];
  try {
    // Build every layer on one sample: the weights exist, and their size is known for the memory cap.
    const probe = data.x.map((a) => toTensor(tf, { ...a, shape: [1, ...a.shape.slice(1)], data: a.data.subarray(0, a.data.length / Math.max(1, a.shape[0])) }));
    let activations = 0;
    try {
      tf.tidy(() => {
        const r = runtime.forward(probe, false);
        activations = r.records.reduce((s, rec) => s + rec.output.size + (rec.mask?.size ?? 0), 0);
        outputShape = r.outputs[output.index].shape.slice(1);
      });
    } finally {
      probe.forEach((t) => t.dispose());
    }
    const params = runtime.weights.reduce((s, w) => s + w.variable.size, 0);
    // Activations of a whole batch (kept for every layer) + weights, optimizer slots and gradients.
    checkMemory((activations * data.info.samples + params * 4) * 4, request.memoryCapMB, `model '${graph.name}' (${params} parameters) on ${data.info.samples} samples`);
    if (!data.y && data.info.synthetic && loss) {
      data.y = syntheticTargets([data.info.samples, ...outputShape], loss.id, subSeed(request.seed, 'synthetic-targets'));
      data.info.shapes.y = data.y.shape;
    }
    if (data.y && loss) checkTargets(data.y, outputShape, loss, data.info.notes);
  } catch (error) {
    runtime.dispose();
    throw error;
  }
  return {
    tf,
    backend: info,
    runtime,
    data,
    loss,
    warnings,
    tensorsBefore,
    outputShape,
    output,
    dispose: () => runtime.dispose(),
  };
}

/** The same model and loss on other data (validation data): shares the runtime, owns nothing. */
export function sessionWithData(session: Session, request: SessionRequest, data: SessionRequest['data']): Session {
  const loaded = loadData(data, session.runtime.graph, {
    seed: request.seed + 1,
    memoryCapMB: request.memoryCapMB,
    nanPolicy: request.nanPolicy,
    allowedRoot: request.allowedRoot,
    dimensions: request.dimensions,
  });
  if (!loaded.y && loaded.info.synthetic && session.loss) {
    loaded.y = syntheticTargets([loaded.info.samples, ...session.outputShape], session.loss.id, subSeed(request.seed + 1, 'synthetic-targets'));
    loaded.info.shapes.y = loaded.y.shape;
  }
  if (loaded.y && session.loss) checkTargets(loaded.y, session.outputShape, session.loss, loaded.info.notes);
  return { ...session, data: loaded, warnings: [...loaded.warnings], dispose: () => undefined };
}

export function chooseOutput(names: string[], wanted: string | number | undefined): OutputChoice {
  let index = 0;
  if (typeof wanted === 'number') index = wanted;
  else if (typeof wanted === 'string') index = names.indexOf(wanted);
  if (index < 0 || index >= names.length) {
    throw new UserFacingError(`the model has no output ${JSON.stringify(wanted)}; its outputs are ${names.map((n, i) => `${i}: '${n}'`).join(', ')}`, 'model-output', String(wanted));
  }
  return { index, name: names[index], names };
}

/** `compile(loss=...)` for one output: one loss for all, a list in output order, or a dict by output name. */
export function lossForOutput(source: JsonValue | undefined, output: OutputChoice): JsonValue | undefined {
  if (Array.isArray(source)) {
    if (source.length !== output.names.length) {
      throw new UserFacingError(`compile() names ${source.length} losses for a model with ${output.names.length} outputs`, 'model-output', 'loss');
    }
    return source[output.index];
  }
  if (source !== null && typeof source === 'object' && typeof source.class_name !== 'string') {
    if (!(output.name in source)) {
      throw new UserFacingError(`compile() names no loss for output '${output.name}' (it names ${Object.keys(source).join(', ')})`, 'model-output', 'loss');
    }
    return source[output.name];
  }
  return source;
}
