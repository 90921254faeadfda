/**
 * The memory cap, checked before anything is allocated. Worker threads' `resourceLimits` bound
 * only V8's heap: TensorFlow's buffers and typed arrays live outside it (a worker capped at
 * 256 MB was measured holding 6 GB of them), so this estimate is what keeps a task under
 * `masklens.memoryCapMB`. Every refusal is one sentence naming what needed the memory.
 */
import { DataError } from '../data/errors';
import { UserFacingError } from '../protocol/task';
import type { LayerSource } from '../ir';
import type { ModelCost, LayerCost } from './modelCost';
import { layerCallText } from './modelCost';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes in binary units, three significant digits at most: `1.5 GiB`, `2.05 GiB`, `3.55 PiB`, `120 MiB`. */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (v >= 1024) return `${v.toExponential(1)} ${UNITS[u]}`;
  return `${v >= 100 || u === 0 ? Math.round(v) : Number(v.toPrecision(3))} ${UNITS[u]}`;
}

/** A count with thousands separators (`400,000,000`); astronomically large ones as `1.0e+21`. */
export function formatCount(n: number): string {
  return n < 1e21 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1);
}

export const capSetting = (capMB: number): string =>
  `the memory cap is ${formatBytes(capMB * 1024 * 1024)} (setting masklens.memoryCapMB)`;

/**
 * What one task may still allocate. Readers and builders take their share before they
 * allocate it; whatever would pass the cap is refused with the sentence its caller wrote.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly capMB: number) {}

  get capBytes(): number {
    return this.capMB * 1024 * 1024;
  }

  get usedBytes(): number {
    return this.used;
  }

  /** `subject` reads like "x (data.npy): its array of shape (50000000, 4), float64,". */
  take(bytes: number, subject: string, location?: string): void {
    if (this.used + bytes > this.capBytes) {
      const beside = this.used >= 1024 * 1024 ? ` beside the ${formatBytes(this.used)} the task already holds` : '';
      throw new DataError(
        `${subject} needs about ${formatBytes(bytes)}${beside}; ${capSetting(this.capMB)}`,
        'memory-cap',
        location,
      );
    }
    this.used += bytes;
  }

  /** Refuses like `take` when `bytes` would not fit, without taking them (a size known before reading). */
  check(bytes: number, subject: string, location?: string): void {
    this.take(bytes, subject, location);
    this.release(bytes);
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** Where each layer is written in the user's source (1-based lines), for refusals that point at it. */
export type LayerLines = Record<string, number>;

/** The lines of a ModelIR's layers (a nested model's own layers too, where their names are free). */
export function layerLines(sources: Record<string, LayerSource>, into: LayerLines = {}): LayerLines {
  for (const [name, source] of Object.entries(sources)) into[name] ??= source.range.start.line + 1;
  for (const source of Object.values(sources)) if (source.nested) layerLines(source.nested, into);
  return into;
}

const BYTES = 4; // float32

function layerLabel(l: LayerCost, lines: LayerLines): string {
  const name = l.name.length > 60 ? `${l.name.slice(0, 59)}…` : l.name;
  const line = lines[l.name];
  return `\`${layerCallText(l.className, l.config)}\` (layer '${name}'${line ? `, line ${line}` : ''})`;
}

/**
 * Refuses a model whose weights alone pass the cap, before any is created. While a weight is
 * initialised it exists twice (the initialiser's array and TensorFlow's variable).
 */
export function checkWeights(cost: ModelCost, capMB: number, lines: LayerLines, model: string): void {
  const cap = capMB * 1024 * 1024;
  const largest = cost.layers.reduce<LayerCost | null>((a, l) => ((l.params ?? 0) > (a?.params ?? 0) ? l : a), null);
  if (!largest || !largest.params) return;
  const layerPeak = largest.params * BYTES * 2;
  if (layerPeak > cap) {
    throw new UserFacingError(
      `${layerLabel(largest, lines)} needs ${formatBytes(largest.params * BYTES)} for its ${formatCount(largest.params)} weights, ${formatBytes(layerPeak)} while they are initialised; ${capSetting(capMB)}`,
      'memory-cap',
      largest.name,
    );
  }
  const peak = (cost.params + cost.largestParams) * BYTES;
  if (peak > cap) {
    throw new UserFacingError(
      `model '${model}' needs ${formatBytes(cost.params * BYTES)} for its ${formatCount(cost.params)} weights (${formatBytes(peak)} while they are initialised; the largest layer is ${layerLabel(largest, lines)}); ${capSetting(capMB)}`,
      'memory-cap',
      largest.name,
    );
  }
}

export interface TaskShape {
  kind: 'evaluate' | 'compare' | 'train';
  samples: number;
  /** Training's batch size (evaluation picks its own chunk). */
  batch: number;
  /** Samples whose outputs the result keeps (an evaluation keeps the shown ones; the rest are reduced as they pass). */
  kept?: number;
  /** Bytes a pass holds per sample of data read by rows from its files (0 when the data is held whole). */
  streamedBytesPerSample?: number;
  /** Bytes the loaded data already holds (outside any tensor). */
  dataBytes: number;
  /** Targets will be made up (synthetic data): one float64 per output value. */
  syntheticTargets: boolean;
}

export interface TaskPlan {
  weights: number;
  /** What the largest pass holds: every layer output and working value for its samples. */
  activations: number;
  /** The per-sample outputs, masks and losses a result collects over all samples. */
  results: number;
  data: number;
  total: number;
  /** Samples per evaluation pass: as many as fit (at most EVALUATION_CHUNK). */
  chunk: number;
}

/** Evaluation runs at most this many samples through the model at once. */
export const EVALUATION_CHUNK = 256;

interface PassSizes {
  /** Bytes one sample adds to an evaluation pass, and to a training step. */
  evaluation: number;
  training: number;
  weights: number;
  results: number;
  data: number;
  building: number;
}

/**
 * What a task holds, measured against the runtime: a pass keeps every layer output and read-back
 * copy, the layers' working values (src/core/layers: an RNN's steps, attention's scores; all live
 * until the pass's tf.tidy ends), and around the model output a float64 slice of the targets (2
 * copies' worth), their tensor and the loss's difference and square (Dense(10**7) on 8 samples:
 * estimated 3.4 GiB, measured 3.7 GB). Training's tape keeps outputs and working values with
 * their gradients, and Adam two slots per weight.
 */
function passSizes(cost: ModelCost, t: TaskShape): PassSizes {
  const outputPerSample = cost.outputs.reduce(
    (a, s) =>
      a +
      (s && s.slice(1).every((d) => typeof d === 'number') ? (s.slice(1) as number[]).reduce((x, y) => x * y, 1) : 0),
    0,
  );
  const loss = outputPerSample * 5;
  return {
    evaluation: (cost.outputsPerSample * 2 + cost.workingPerSample + loss) * BYTES + (t.streamedBytesPerSample ?? 0),
    training: (cost.outputsPerSample * 3 + cost.workingPerSample * 2 + loss) * BYTES,
    weights: cost.params * BYTES * (t.kind === 'train' ? 4 : 1),
    // The model output of the kept samples, in parts and joined (its mask and the per-timestep loss are smaller).
    results: outputPerSample * (t.kept ?? t.samples) * BYTES * 2,
    data: t.dataBytes + (t.syntheticTargets ? outputPerSample * t.samples * 8 : 0),
    // While a weight is initialised it exists twice.
    building: (cost.params + cost.largestParams) * BYTES,
  };
}

/** What any task adds beyond its model and data: TensorFlow's allocator pools, results and their validation (a tiny model's evaluate adds about 110 MB). */
const TASK_OVERHEAD = 128 * 1024 * 1024;

function planWith(p: PassSizes, t: TaskShape, chunk: number): TaskPlan {
  const trainStep = t.kind === 'train' ? p.training * Math.min(t.batch, t.samples) : 0;
  const activations = Math.max(trainStep, p.evaluation * chunk);
  const total = Math.max(p.building, p.weights + activations + p.results) + p.data + TASK_OVERHEAD;
  return { weights: p.weights, activations, results: p.results, data: p.data, total, chunk };
}

/**
 * The task's plan: evaluation passes as large as fit under the cap (so a large model runs in
 * smaller chunks rather than being refused), or a refusal naming the parts and the layer that
 * needs the most when even one sample at a time does not fit.
 */
export function planTask(cost: ModelCost, t: TaskShape, capMB: number, lines: LayerLines, model: string): TaskPlan {
  const cap = capMB * 1024 * 1024;
  const p = passSizes(cost, t);
  const fixed = p.weights + p.results + p.data + TASK_OVERHEAD;
  const fitting = p.evaluation > 0 ? Math.floor((cap - fixed) / p.evaluation) : EVALUATION_CHUNK;
  const chunk = Math.max(1, Math.min(EVALUATION_CHUNK, t.samples, fitting));
  const plan = planWith(p, t, chunk);
  if (plan.total <= cap) return plan;
  const perLayer = (l: LayerCost) => (l.params ?? 0) * BYTES + (l.outputsPerSample + l.workingPerSample) * BYTES;
  const heaviest = cost.layers.reduce<LayerCost | null>(
    (a, l) => (a === null || perLayer(l) > perLayer(a) ? l : a),
    null,
  );
  const pass =
    t.kind === 'train' && p.training * Math.min(t.batch, t.samples) >= p.evaluation
      ? `a batch of ${formatCount(Math.min(t.batch, t.samples))}`
      : 'even one sample at a time';
  const parts = [
    [plan.weights, t.kind === 'train' ? 'weights, gradients and optimizer state' : 'weights'],
    [plan.activations, `layer outputs and working values of ${pass}`],
    [plan.results, 'per-sample results'],
    [plan.data, 'data'],
  ] as const;
  const listed = parts.filter(([b]) => b > 0).map(([b, what]) => `${formatBytes(b)} for ${what}`);
  throw new UserFacingError(
    `${VERBS[t.kind]} model '${model}' on ${formatCount(t.samples)} sample${t.samples === 1 ? '' : 's'} needs about ${formatBytes(plan.total)} (${listed.join(', ')})${heaviest ? `; the layer needing most is ${layerLabel(heaviest, lines)}` : ''}; ${capSetting(capMB)}`,
    'memory-cap',
    heaviest?.name,
  );
}

const VERBS = { evaluate: 'evaluating', compare: 'comparing losses of', train: 'training' } as const;
