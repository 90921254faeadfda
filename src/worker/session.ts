/**
 * What every runtime task starts with: TensorFlow, the model rebuilt from its config with
 * weights (given or initialised), the data matched to it, and the loss. `dispose()` frees
 * every tensor the session made, so a task leaves `tf.memory().numTensors` where it found it.
 *
 * Nothing large is allocated before the memory cap has been checked: the model's weights
 * from its config, the data from what its files or expressions declare, then the whole task
 * (weights, layer outputs, results, data) with the data's real shapes, before one weight
 * or tensor exists.
 */
import { z } from 'zod';
import type { JsonValue, KerasFamily } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import { DataError } from '../core/data/errors';
import { subSeed } from '../core/data/random';
import { syntheticTargets } from '../core/data/synthetic';
import { formatShape } from '../core/format';
import { modelCost } from '../core/runtime/modelCost';
import {
  checkWeights,
  EVALUATION_CHUNK,
  MemoryBudget,
  planTask,
  type TaskPlan,
  type TaskShape,
} from '../core/runtime/memory';
import { inMemory } from '../core/data/rowSource';
import type { NdArray } from '../core/runtime/array';
import {
  type CustomMetricSpec,
  dataSpecSchema,
  type FileAccess,
  type RuntimeModel,
  weightsSpecSchema,
  type WeightsUsed,
} from '../core/protocol/runtimeTasks';
import { type LoadedData, loadData } from './data';
import { loadGivenWeights } from './givenWeights';
import { ModelRuntime } from './executor';
import type { Tensor } from './layers/base';
import { customLossSpec, type LossSpec, resolveLoss, targetsLossId } from './losses';
import { assertConnected, buildGraph } from '../core/graph/fromConfig';
import { type BackendInfo, loadTf, type Tf } from './tf';
import { type PassShapes, passFacts, passShapes } from './lengthBuckets';
import type { PassFacts } from '../core/runtime/lengthBuckets';

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
  access: FileAccess;
  /** Which output of a model with several (its name or index); default the first. */
  output?: string | number;
}

/** What the session is for: how much a pass holds at once depends on it. */
export interface SessionPurpose {
  kind: TaskShape['kind'];
  /** Training's batch size. */
  batchSize?: number;
  /** How many samples the result keeps whole (the ones shown); the rest are reduced as they pass. */
  kept?: number;
}

/** One entry of `metrics=` (weighted: of `weighted_metrics=`). */
export interface CompiledMetric {
  spec: JsonValue;
  weighted: boolean;
}

/** `metrics=` for one output: one list for every output, a list of lists in output order, or a dict by output name. */
export function metricsForOutput(source: JsonValue | undefined, output: OutputChoice): JsonValue[] {
  if (source === undefined || source === null) return [];
  if (Array.isArray(source)) {
    if (
      source.length === output.names.length &&
      output.names.length > 1 &&
      source.every((s) => Array.isArray(s) || s === null)
    ) {
      const mine = source[output.index];
      return Array.isArray(mine) ? mine : [];
    }
    return source;
  }
  if (typeof source === 'object' && 'class_name' in source) return [source];
  if (typeof source === 'object') {
    const mine = source[output.name];
    return mine === undefined || mine === null ? [] : Array.isArray(mine) ? mine : [mine];
  }
  return [source];
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
  /** `compile(metrics=..., weighted_metrics=...)` entries for the chosen output, as written. */
  metrics: CompiledMetric[];
  /** The user's own metrics, which `metrics` entries name as `{custom_metric: index}`. */
  customMetrics: CustomMetricSpec[];
  /** `fit(class_weight=...)`: training weights its loss by it (evaluate, as Keras', does not). */
  classWeight: Record<string, number> | null;
  warnings: string[];
  tensorsBefore: number;
  /** The chosen output's per-sample shape. */
  outputShape: number[];
  output: OutputChoice;
  /** What the task was estimated to need (checked against the cap), and the evaluation chunk that fits. */
  plan: TaskPlan;
  /**
   * From the pass that built the model: every tensor's per-sample shape, and what length
   * buckets follow the time axis by (which calls a mask reached, shapes by tensor, Lambdas).
   */
  probe: { shapes: PassShapes; facts: PassFacts };
  /** Which weights the model runs with. */
  weightsUsed: WeightsUsed;
  dispose(): void;
}

/** Targets against the model's output: equal shapes, sparse labels, or Keras' one-axis squeeze (noted). */
function checkTargets(y: { shape: readonly number[] }, outputShape: number[], loss: LossSpec, notes: string[]): void {
  // The user's own loss decides what targets it takes; a mismatch is its own located error.
  if (loss.custom) return;
  const per = y.shape.slice(1);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (loss.id === 'sparse_categorical_crossentropy') {
    const labels = outputShape.slice(0, -1);
    if (same(per, labels) || same(per, [...labels, 1])) return;
    throw new DataError(
      `sparse labels have shape ${formatShape(y.shape)}; the model's output ${formatShape([null, ...outputShape])} needs ${formatShape([null, ...labels])}`,
      'data-shape',
      'y',
    );
  }
  if (same(per, outputShape)) return;
  const squeezable = (a: number[], b: number[]) =>
    a.length === b.length + 1 && a[a.length - 1] === 1 && same(a.slice(0, -1), b);
  if (squeezable(per, outputShape) || squeezable(outputShape, per)) {
    notes.push(
      `y has shape ${formatShape(y.shape)} and the output ${formatShape([null, ...outputShape])}: Keras squeezes the size-1 axis before the loss`,
    );
    return;
  }
  throw new DataError(
    `y has shape ${formatShape(y.shape)} but the model's output is ${formatShape([null, ...outputShape])}`,
    'data-shape',
    'y',
  );
}

/**
 * What a pass holds per sample of data read by rows: the bytes read (at most 8 per value), their
 * float64 values and the float32 copy a tensor is made from.
 */
function streamedBytesPerSample(data: LoadedData): number {
  const sources = [...data.x, data.y, data.sampleWeight];
  return sources.reduce(
    (a, s) => a + (s && s.whole === null ? s.shape.slice(1).reduce((x, y) => x * y, 1) * (8 + 8 + 4) : 0),
    0,
  );
}

export function toTensor(tf: Tf, a: NdArray): Tensor {
  return tf.tensor(Float32Array.from(a.data), a.shape, 'float32');
}

/** `checkpoint` throws once the task is asked to stop; it is called between the session's steps and while data is made. */
export function openSession(
  request: SessionRequest,
  purpose: SessionPurpose = { kind: 'evaluate' },
  checkpoint?: () => void,
): Session {
  const { tf, info } = loadTf();
  const tensorsBefore = tf.memory().numTensors;
  const warnings: string[] = [];
  if (info.fallbackReason) warnings.push(`Running on the pure-JS cpu backend: ${info.fallbackReason}`);
  // Layers the reader could only guess at (a loop over data it cannot read) are no model to run.
  if (request.model.guessed) throw new UserFacingError(request.model.guessed, 'model-guessed');
  const graph = buildGraph(request.model.config);
  // Connections now; input shapes once the data has filled those the config leaves open (loadData).
  assertConnected(graph);
  const lines = request.model.layerLines ?? {};
  const name = request.model.name;
  // The weights first: they depend on the config alone, so a model too large is refused before any data is read.
  const declared = modelCost(graph, request.model.lambdas);
  checkWeights(declared, request.memoryCapMB, lines, name);
  const budget = new MemoryBudget(request.memoryCapMB);
  budget.take(declared.params * 4, `model '${name}''s ${declared.params.toLocaleString('en-US')} weights`);
  const { weights, used: weightsUsed } = loadGivenWeights(
    request.weights,
    request.access,
    request.model.config,
    request.seed,
    budget,
    request.model.customLayers ?? {},
  );
  const data = loadData(request.data, graph, {
    completion: {
      open: request.model.open ?? [],
      weights,
      stated: request.model.statedInputs ?? [],
      dimensions: request.dimensions,
    },
    seed: request.seed,
    budget,
    nanPolicy: request.nanPolicy,
    access: request.access,
    dimensions: request.dimensions,
    checkpoint,
    // Evaluation reads its files by rows, a chunk at a time; training shuffles over all of them.
    streamRows: purpose.kind === 'train' ? undefined : EVALUATION_CHUNK,
  });
  // Files read by rows stay open for the session; anything that fails before it exists closes them.
  let ready = false;
  try {
    checkpoint?.();
    warnings.push(...data.warnings);
    // The whole task, now that the data's shapes fill the model's open dimensions.
    const cost = modelCost(
      graph,
      request.model.lambdas,
      data.x.map((a) => [null, ...a.shape.slice(1)]),
    );
    const samples = data.info.samples;
    const plan = planTask(
      cost,
      {
        kind: purpose.kind,
        samples,
        kept: Math.min(samples, purpose.kept ?? samples),
        batch: purpose.batchSize ?? 32,
        dataBytes: budget.usedBytes - declared.params * 4,
        streamedBytesPerSample: streamedBytesPerSample(data),
        syntheticTargets: !data.y && data.info.synthetic,
      },
      request.memoryCapMB,
      lines,
      name,
    );
    // Backstop for weights whose size no shape rule could tell in advance: each is charged before it
    // exists, beside the data (what the task holds while its weights are built).
    const weightBudget = new MemoryBudget(request.memoryCapMB);
    weightBudget.take(budget.usedBytes - declared.params * 4, `the data of model '${name}'`);
    const runtime = new ModelRuntime(tf, graph, {
      family: request.family,
      kerasVersion: request.kerasVersion,
      seed: request.seed,
      lambdas: request.model.lambdas,
      customLayers: request.model.customLayers,
      weights,
      budget: weightBudget,
      lines,
    });
    const dispose = () => {
      runtime.dispose();
      data.close();
    };
    runtime.checkpoint = checkpoint ?? null;
    const output = chooseOutput(
      graph.outputs.map((r) => r.layer),
      request.output,
    );
    if (output.names.length > 1) {
      warnings.push(
        `the model has ${output.names.length} outputs (${output.names.join(', ')}); MaskLens evaluates one at a time: this is '${output.name}', whose term Keras reports as ${output.name}_loss`,
      );
    }
    let loss: LossSpec | null = null;
    const lossSource =
      (request.loss as JsonValue | undefined) ??
      lossForOutput(request.model.training?.loss as JsonValue | undefined, output);
    const custom = request.loss === undefined ? request.model.training?.customLoss : undefined;
    if (custom) loss = customLossSpec(custom);
    else if (lossSource !== undefined && lossSource !== null) loss = resolveLoss(lossSource);
    else if (data.y || data.info.synthetic) {
      loss = resolveLoss('mse');
      warnings.push('the model is not compiled with a loss; using mse');
    }
    let outputShape: number[] = [];
    const probed: { value: Session['probe'] | null } = { value: null };
    try {
      // Build every layer on one sample: the weights exist, and the output's shape is known.
      const first = data.x.map((a) => toTensor(tf, a.take([0])));
      try {
        tf.tidy(() => {
          const r = runtime.forward(first, false);
          outputShape = r.outputs[output.index].shape.slice(1);
          probed.value = { shapes: passShapes(r), facts: passFacts(runtime.graph, first, r, request.model.lambdas) };
        });
      } finally {
        first.forEach((t) => t.dispose());
      }
      if (!data.y && data.info.synthetic && loss) {
        data.y = inMemory(
          syntheticTargets(
            [data.info.samples, ...outputShape],
            targetsLossId(loss),
            subSeed(request.seed, 'synthetic-targets'),
          ),
        );
        data.info.shapes.y = [...data.y.shape];
      }
      if (data.y && loss) checkTargets(data.y, outputShape, loss, data.info.notes);
    } catch (error) {
      runtime.dispose();
      throw error;
    }
    const training = request.model.training;
    const metrics: CompiledMetric[] = [
      ...metricsForOutput(training?.metrics as JsonValue | undefined, output).map((spec) => ({
        spec,
        weighted: false,
      })),
      ...metricsForOutput(training?.weightedMetrics as JsonValue | undefined, output).map((spec) => ({
        spec,
        weighted: true,
      })),
    ];
    const probe = probed.value;
    if (!probe) throw new Error('the model pass that builds the layers returned nothing');
    ready = true;
    return {
      tf,
      backend: info,
      runtime,
      data,
      loss,
      metrics,
      customMetrics: training?.customMetrics ?? [],
      classWeight: training?.classWeight ?? null,
      warnings,
      tensorsBefore,
      outputShape,
      output,
      plan,
      probe,
      weightsUsed,
      dispose,
    };
  } finally {
    if (!ready) data.close();
  }
}

/** The same model and loss on other data (validation data): shares the runtime, owns nothing. */
export function sessionWithData(session: Session, request: SessionRequest, data: SessionRequest['data']): Session {
  // What the session itself was estimated to need is taken; the validation data gets the rest.
  const budget = new MemoryBudget(request.memoryCapMB);
  budget.take(session.plan.total, `model '${request.model.name}' with its training data`);
  const loaded = loadData(data, session.runtime.graph, {
    seed: request.seed + 1,
    budget,
    nanPolicy: request.nanPolicy,
    access: request.access,
    dimensions: request.dimensions,
  });
  if (!loaded.y && loaded.info.synthetic && session.loss) {
    loaded.y = inMemory(
      syntheticTargets(
        [loaded.info.samples, ...session.outputShape],
        targetsLossId(session.loss),
        subSeed(request.seed + 1, 'synthetic-targets'),
      ),
    );
    loaded.info.shapes.y = [...loaded.y.shape];
  }
  if (loaded.y && session.loss) checkTargets(loaded.y, session.outputShape, session.loss, loaded.info.notes);
  return { ...session, data: loaded, warnings: [...loaded.warnings], dispose: () => loaded.close() };
}

export function chooseOutput(names: string[], wanted: string | number | undefined): OutputChoice {
  let index = 0;
  if (typeof wanted === 'number') index = wanted;
  else if (typeof wanted === 'string') index = names.indexOf(wanted);
  if (index < 0 || index >= names.length) {
    throw new UserFacingError(
      `the model has no output ${JSON.stringify(wanted)}; its outputs are ${names.map((n, i) => `${i}: '${n}'`).join(', ')}`,
      'model-output',
      String(wanted),
    );
  }
  return { index, name: names[index], names };
}

/** `compile(loss=...)` for one output: one loss for all, a list in output order, or a dict by output name. */
export function lossForOutput(source: JsonValue | undefined, output: OutputChoice): JsonValue | undefined {
  if (Array.isArray(source)) {
    if (source.length !== output.names.length) {
      throw new UserFacingError(
        `compile() names ${source.length} losses for a model with ${output.names.length} outputs`,
        'model-output',
        'loss',
      );
    }
    return source[output.index];
  }
  if (source !== null && typeof source === 'object' && typeof source.class_name !== 'string') {
    if (!(output.name in source)) {
      throw new UserFacingError(
        `compile() names no loss for output '${output.name}' (it names ${Object.keys(source).join(', ')})`,
        'model-output',
        'loss',
      );
    }
    return source[output.name];
  }
  return source;
}
