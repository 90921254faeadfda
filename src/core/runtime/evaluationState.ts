/**
 * An evaluation's reduction state over a run of consecutive samples: everything its running sums,
 * counts and metric states hold, and the rows of the shown samples it owns, as plain data. One
 * worker's pass over all the samples ends in one state; an evaluation split between workers ends
 * in one state per shard (cut at multiples of Keras' batch size and of the evaluation chunk, so
 * every chunk and every Keras batch is the one a single pass would run), and `mergeStates` joins
 * them in sample order. Either way `finishEvaluation` (finishEvaluation.ts) makes the numbers.
 *
 * Merging is exact for counts and rows; float64 sums are added shard by shard (shard 0's total,
 * plus shard 1's, ...) instead of sample by sample, which moves them in the last bits only.
 */
import { z } from 'zod';
import { type ArrayCheckState, mergeCheckStates } from '../data/checkFindings';
import { type AucConfig, type AucCounts, AucCurve } from '../metrics/auc';
import { LossSums, type LossSumsState } from './lossSums';

/** The shown samples' rows of one array, in sample order; `inner` is a sample's shape (null: none kept). */
export interface KeptRowsState {
  inner: number[] | null;
  data: Float32Array;
}

/** What the result says of a layer's mask rule. */
export interface LayerRuleSummary {
  output: string;
  supportsMasking: boolean;
  known: boolean;
  evidence: string;
}

export interface LayerCaptureState {
  name: string;
  className: string;
  outputShape: number[];
  maskShape: number[] | null;
  /** The kept samples' mask rows. */
  maskRows: KeptRowsState;
  /** Positions the mask keeps over every sample of the state, and its positions in all. */
  maskValid: number;
  maskTotal: number;
  /** Positions the mask keeps in each kept sample. */
  validPerSample: number[];
  output: number[][] | number[][][] | null;
  effect: 'creates' | 'propagates' | 'transforms' | 'consumes' | 'destroys' | 'none';
  maskIn: boolean;
  rule: LayerRuleSummary;
  warning: string | null;
}

/** One batch of a loss that returns one number per batch. */
export interface ScalarBatch {
  value: number;
  plain: number;
  rows: number;
  keras: number;
}

/** Where a user's loss leaves zeros, inside and outside the output mask. */
export interface OwnMaskCounts {
  zeroWhereMasked: number;
  masked: number;
  zeroWhereKept: number;
  kept: number;
}

/** What the result says of a compiled metric, whatever its state. */
export interface MetricInfo {
  name: string;
  resolved: string;
  weighted: boolean;
  fn: string;
  /** The user's own metric (a function or a Metric subclass). */
  custom: boolean;
}

export type MetricState = MetricInfo &
  (
    | { kind: 'sums'; all: number; allWeight: number; kept: number; keptWeight: number }
    | { kind: 'curves'; config: AucConfig; all: AucCounts; kept: AucCounts }
    /** A Metric subclass: its results, read in the worker (its states are the user's own, and do not merge). */
    | { kind: 'final'; unmasked: number; kept: number }
  );

export interface MetricsState {
  /** A mask reached the output in some batch. */
  masked: boolean;
  metrics: MetricState[];
}

export interface EvaluationState {
  /** The evaluated rows this state covers: [start, end). */
  start: number;
  end: number;
  /** The kept (shown) samples among them, as indices into all the evaluated rows, ascending. */
  kept: number[];
  /** A sample's shape of the model output (null: no chunk ran). */
  outputInner: number[] | null;
  output: KeptRowsState;
  outputMask: KeptRowsState;
  hasOutputMask: boolean;
  loss: KeptRowsState;
  lossMask: KeptRowsState;
  weight: KeptRowsState;
  layers: LayerCaptureState[];
  sums: LossSumsState;
  /** Keras' batch losses times their rows, and the rows (null: not asked, or no loss). */
  keras: { total: number; rows: number } | null;
  scalarLoss: ScalarBatch[];
  padSource: 'mask' | 'padding' | null;
  metrics: MetricsState | null;
  ownMask: OwnMaskCounts;
  warnings: string[];
  notes: string[];
  buckets: { chunks: number; of: number; reason: string | null };
  /** The data's checks made on these rows (null: made when the data was read). */
  checks: ArrayCheckState[] | null;
}

/** Typed arrays as they arrive from another thread (whatever buffer holds them). */
const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const f64 = z.custom<Float64Array>((v) => v instanceof Float64Array, 'expected a Float64Array');
const keptRowsSchema = z.object({ inner: z.array(z.number().int()).nullable(), data: f32 });
/** Any JS number, NaN and ±Infinity included (losses may be). */
const num = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const int = z.number().int();
const counts = z.object({
  tp: f64,
  fp: f64,
  tn: f64,
  fn: f64,
});
const metricInfo = {
  name: z.string(),
  resolved: z.string(),
  weighted: z.boolean(),
  fn: z.string(),
  custom: z.boolean(),
};
const nested = z.custom<number[][] | number[][][]>(
  (v) => Array.isArray(v) && v.every((row) => Array.isArray(row)),
  'expected rows of numbers',
);

export const evaluationStateSchema = z.object({
  start: int,
  end: int,
  kept: z.array(int),
  outputInner: z.array(int).nullable(),
  output: keptRowsSchema,
  outputMask: keptRowsSchema,
  hasOutputMask: z.boolean(),
  loss: keptRowsSchema,
  lossMask: keptRowsSchema,
  weight: keptRowsSchema,
  layers: z.array(
    z.object({
      name: z.string(),
      className: z.string(),
      outputShape: z.array(int),
      maskShape: z.array(int).nullable(),
      maskRows: keptRowsSchema,
      maskValid: int,
      maskTotal: int,
      validPerSample: z.array(int),
      output: nested.nullable(),
      effect: z.enum(['creates', 'propagates', 'transforms', 'consumes', 'destroys', 'none']),
      maskIn: z.boolean(),
      rule: z.object({ output: z.string(), supportsMasking: z.boolean(), known: z.boolean(), evidence: z.string() }),
      warning: z.string().nullable(),
    }),
  ),
  sums: z.object({
    all: num,
    kept: num,
    valid: num,
    count: num,
    padded: num,
    sequenceMeans: num,
    sequences: int,
    samples: int,
  }),
  keras: z.object({ total: num, rows: int }).nullable(),
  scalarLoss: z.array(z.object({ value: num, plain: num, rows: int, keras: num })),
  padSource: z.enum(['mask', 'padding']).nullable(),
  metrics: z
    .object({
      masked: z.boolean(),
      metrics: z.array(
        z.discriminatedUnion('kind', [
          z.object({ ...metricInfo, kind: z.literal('sums'), all: num, allWeight: num, kept: num, keptWeight: num }),
          z.object({
            ...metricInfo,
            kind: z.literal('curves'),
            config: z.object({
              numThresholds: int,
              thresholds: z.array(z.number()).nullable(),
              curve: z.enum(['ROC', 'PR']),
              summation: z.enum(['interpolation', 'minoring', 'majoring']),
              fromLogits: z.boolean(),
            }),
            all: counts,
            kept: counts,
          }),
          z.object({ ...metricInfo, kind: z.literal('final'), unmasked: num, kept: num }),
        ]),
      ),
    })
    .nullable(),
  ownMask: z.object({ zeroWhereMasked: int, masked: int, zeroWhereKept: int, kept: int }),
  warnings: z.array(z.string()),
  notes: z.array(z.string()),
  buckets: z.object({ chunks: int, of: int, reason: z.string().nullable() }),
  checks: z
    .array(
      z.object({
        role: z.enum(['x', 'y', 'sampleWeight']),
        label: z.string(),
        masking: z
          .object({
            layer: z.string(),
            value: z.number(),
            scan: z.object({
              masksSomething: z.boolean(),
              samples: int,
              pads: z.array(z.tuple([z.number(), int])),
              shapeOk: z.boolean(),
            }),
          })
          .nullable(),
        counts: z.object({
          nan: int,
          inf: int,
          firstNaN: z.array(int).nullable(),
          firstInf: z.array(int).nullable(),
        }),
      }),
    )
    .nullable(),
}) satisfies z.ZodType<EvaluationState>;

function joinRows(parts: readonly KeptRowsState[]): KeptRowsState {
  const data = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { inner: parts.find((p) => p.inner !== null)?.inner ?? null, data };
}

/** Strings in first-seen order over the states in sample order, once each (as one pass's sets hold them). */
function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

const add = (a: number, b: number) => a + b;

function mergeLayers(states: readonly EvaluationState[]): LayerCaptureState[] {
  const [first] = states;
  return first.layers.map((layer, i) => {
    const all = states.map((s) => s.layers[i]).filter((l): l is LayerCaptureState => l !== undefined);
    const outputs = all.map((l) => l.output).filter((o): o is number[][] | number[][][] => o !== null);
    return {
      ...layer,
      maskShape: all.find((l) => l.maskShape !== null)?.maskShape ?? null,
      maskRows: joinRows(all.map((l) => l.maskRows)),
      maskValid: all.map((l) => l.maskValid).reduce(add, 0),
      maskTotal: all.map((l) => l.maskTotal).reduce(add, 0),
      validPerSample: all.flatMap((l) => l.validPerSample),
      // Rows of numbers or rows of rows, never both: every shard ran the same layer.
      output: outputs.length > 0 ? (outputs.flat() as number[][] | number[][][]) : null,
    };
  });
}

function mergeMetrics(states: readonly EvaluationState[]): MetricsState | null {
  const present = states.map((s) => s.metrics).filter((m): m is MetricsState => m !== null);
  if (present.length === 0) return null;
  // A metric a shard left out (its reason is in that shard's notes) is left out of the whole.
  const [first] = present;
  const merged: MetricState[] = [];
  for (const metric of first.metrics) {
    const all = present.map((p) => p.metrics.find((m) => m.name === metric.name && m.kind === metric.kind));
    if (all.some((m) => m === undefined)) continue;
    const same = all.filter((m): m is MetricState => m !== undefined);
    if (metric.kind === 'sums') {
      const sums = same.filter((m) => m.kind === 'sums');
      merged.push({
        ...metric,
        all: sums.map((m) => m.all).reduce(add, 0),
        allWeight: sums.map((m) => m.allWeight).reduce(add, 0),
        kept: sums.map((m) => m.kept).reduce(add, 0),
        keptWeight: sums.map((m) => m.keptWeight).reduce(add, 0),
      });
    } else if (metric.kind === 'curves') {
      const curves = same.filter((m) => m.kind === 'curves');
      const summed = (pick: (c: (typeof curves)[number]) => AucCounts): AucCounts => {
        const curve = new AucCurve(metric.config);
        for (const c of curves) curve.addCounts(pick(c));
        return curve.counts();
      };
      merged.push({ ...metric, all: summed((c) => c.all), kept: summed((c) => c.kept) });
    } else {
      if (same.length > 1) throw new Error('a Metric subclass cannot be merged across shards');
      merged.push(metric);
    }
  }
  return { masked: present.some((p) => p.masked), metrics: merged };
}

/** The states of consecutive shards, in sample order, as one state over all their samples. */
export function mergeStates(states: readonly EvaluationState[]): EvaluationState {
  const [first] = states;
  if (!first) throw new Error('no evaluation state to merge');
  if (states.length === 1) return first;
  states.forEach((s, i) => {
    if (i > 0 && s.start !== states[i - 1].end)
      throw new Error(`evaluation shards are not consecutive: ${states[i - 1].end} then ${s.start}`);
  });
  const total = (pick: (s: EvaluationState) => number) => states.map(pick).reduce(add, 0);
  const withKeras = states.filter((s) => s.keras !== null);
  const checks = states.map((s) => s.checks).filter((c): c is ArrayCheckState[] => c !== null);
  return {
    start: first.start,
    end: states[states.length - 1].end,
    kept: states.flatMap((s) => s.kept),
    outputInner: states.find((s) => s.outputInner !== null)?.outputInner ?? null,
    output: joinRows(states.map((s) => s.output)),
    outputMask: joinRows(states.map((s) => s.outputMask)),
    hasOutputMask: states.some((s) => s.hasOutputMask),
    loss: joinRows(states.map((s) => s.loss)),
    lossMask: joinRows(states.map((s) => s.lossMask)),
    weight: joinRows(states.map((s) => s.weight)),
    layers: mergeLayers(states),
    sums: LossSums.merged(states.map((s) => s.sums)).state(),
    keras:
      withKeras.length > 0
        ? { total: withKeras.map((s) => s.keras?.total ?? 0).reduce(add, 0), rows: total((s) => s.keras?.rows ?? 0) }
        : null,
    scalarLoss: states.flatMap((s) => s.scalarLoss),
    padSource: states.find((s) => s.padSource !== null)?.padSource ?? null,
    metrics: mergeMetrics(states),
    ownMask: {
      zeroWhereMasked: total((s) => s.ownMask.zeroWhereMasked),
      masked: total((s) => s.ownMask.masked),
      zeroWhereKept: total((s) => s.ownMask.zeroWhereKept),
      kept: total((s) => s.ownMask.kept),
    },
    warnings: union(states.map((s) => s.warnings)),
    notes: union(states.map((s) => s.notes)),
    buckets: {
      chunks: total((s) => s.buckets.chunks),
      of: total((s) => s.buckets.of),
      reason: states.find((s) => s.buckets.reason !== null)?.buckets.reason ?? null,
    },
    checks: checks.length > 0 ? mergeCheckStates(checks) : null,
  };
}
