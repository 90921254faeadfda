/**
 * Requests and results of the runtime tasks (`evaluate`, `train`, `compare`). The host
 * validates what it sends, the worker what it receives, the host what comes back.
 *
 * Numbers in results are plain JS numbers and may be NaN or ±Infinity (NaN padding is a
 * finding, not an error). Structured cloning keeps them; `toJsonText` writes them as the
 * strings "NaN", "Infinity", "-Infinity" so JSON output stays unambiguous.
 */
import { z } from 'zod';
import type {
  CustomLayerIR,
  JsonValue,
  KerasLayerConfig,
  KerasModelConfig,
  LambdaExpr,
  LambdaIR,
  ModelIR,
  SliceItem,
} from '../ir';
import { backendInfoSchema } from './probe';
import { REDUCTION_IDS } from '../reductions';
import { layerLines } from '../runtime/memory';

export const familySchema = z.enum(['keras3', 'tf-keras2']);

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

const layerConfigSchema = z.looseObject({
  class_name: z.string(),
  config: z.record(z.string(), jsonValueSchema),
});

export const kerasModelConfigSchema = z.custom<KerasModelConfig>((value) => {
  const parsed = z
    .looseObject({ class_name: z.string(), config: z.looseObject({ layers: z.array(layerConfigSchema) }) })
    .safeParse(value);
  return parsed.success;
}, 'expected a Keras model config: {"class_name": ..., "config": {"layers": [...]}}');

const sliceItemSchema: z.ZodType<SliceItem> = z.union([
  z.object({ kind: z.literal('index'), index: z.number().int() }),
  z.object({
    kind: z.literal('range'),
    start: z.number().int().nullable(),
    stop: z.number().int().nullable(),
    step: z.number().int().nullable(),
  }),
  z.object({ kind: z.literal('ellipsis') }),
  z.object({ kind: z.literal('newaxis') }),
]);

const binaryOperators = ['+', '-', '*', '/', '**', '==', '!=', '>', '<', '>=', '<=', 'and', 'or'] as const;

export const lambdaExprSchema: z.ZodType<LambdaExpr> = z.lazy(() =>
  z.union([
    z.object({ op: z.literal('param'), index: z.number().int().min(0) }),
    z.object({ op: z.literal('const'), value: z.union([z.number(), z.boolean(), z.string(), z.null()]) }),
    z.object({ op: z.literal('slice'), target: lambdaExprSchema, items: z.array(sliceItemSchema) }),
    z.object({
      op: z.literal('binary'),
      operator: z.enum(binaryOperators),
      left: lambdaExprSchema,
      right: lambdaExprSchema,
    }),
    z.object({ op: z.literal('unary'), operator: z.enum(['-', 'not']), operand: lambdaExprSchema }),
    z.object({
      op: z.literal('call'),
      fn: z.string(),
      args: z.array(lambdaExprSchema),
      kwargs: z.record(z.string(), z.union([lambdaExprSchema, jsonValueSchema])),
    }),
    z.object({ op: z.literal('cond'), test: lambdaExprSchema, then: lambdaExprSchema, else: lambdaExprSchema }),
    z.object({ op: z.literal('isNone'), operand: lambdaExprSchema }),
    z.object({ op: z.literal('self'), name: z.string() }),
    z.object({
      op: z.literal('layer'),
      name: z.string(),
      args: z.array(lambdaExprSchema),
      kwargs: z.record(z.string(), lambdaExprSchema),
    }),
  ]),
);

const lambdaFunctionSchema = z.object({ params: z.array(z.string()), body: lambdaExprSchema, source: z.string() });

export const lambdaIRSchema: z.ZodType<LambdaIR> = z.object({
  fn: lambdaFunctionSchema.nullable(),
  mask: z.union([
    z.object({ kind: z.literal('none') }),
    z.object({ kind: z.literal('constant'), value: jsonValueSchema }),
    z.object({ kind: z.literal('callable'), fn: lambdaFunctionSchema }),
  ]),
});

const positionSchema = z.object({ line: z.number().int(), character: z.number().int() });
const rangeSchema = z.object({ start: positionSchema, end: positionSchema });
const unreadableSchema = z.object({ kind: z.literal('unreadable'), reason: z.string(), range: rangeSchema });
const heldLayerConfigSchema: z.ZodType<KerasLayerConfig> = z.looseObject({
  module: z.string().optional(),
  class_name: z.string(),
  config: z.record(z.string(), jsonValueSchema),
});

export const customLayerIRSchema: z.ZodType<CustomLayerIR> = z.object({
  className: z.string(),
  base: z.string().nullable(),
  range: rangeSchema,
  supportsMasking: z.boolean(),
  supportsMaskingFrom: z.enum(['class attribute', '__init__', 'compute_mask', 'default']),
  callTakesMask: z.boolean(),
  computeMask: z.union([
    z.object({ kind: z.literal('default') }),
    z.object({ kind: z.literal('function'), fn: lambdaFunctionSchema }),
    unreadableSchema,
  ]),
  call: z.union([
    z.object({ kind: z.literal('function'), fn: lambdaFunctionSchema }),
    unreadableSchema.extend({ mayReturnMasked: z.boolean() }),
  ]),
  outputs: z.number().int().min(1),
  build: z.array(z.object({ attr: z.string(), value: lambdaExprSchema })),
  sublayers: z.array(z.object({ attr: z.string(), config: heldLayerConfigSchema })),
});

/** A loss or optimizer as `compile` names it: `"mae"` or `{class_name, config}`. */
export const kerasObjectSchema = z.union([
  z.string(),
  z.looseObject({ class_name: z.string(), config: z.record(z.string(), jsonValueSchema).optional() }),
]);
export type KerasObjectSpec = z.infer<typeof kerasObjectSchema>;

/** What the worker needs of a ModelIR; a whole ModelIR satisfies it. */
/** A config option the source leaves open (`Embedding(vocab_size, ...)`), with the name the user supplies it under. */
const openOptionSchema = z.object({
  key: z.string(),
  layer: z.string(),
  option: z.string(),
  axis: z.number().int().nonnegative().optional(),
});

/** A metric the user's code defines, as the reader translated it (see CustomMetricIR). */
const customMetricSchema = z.object({
  name: z.string(),
  kind: z.enum(['function', 'metric-class']),
  fn: lambdaFunctionSchema.nullable(),
  metricClass: z
    .object({
      states: z.array(z.object({ attr: z.string(), shape: z.array(z.number().int().nonnegative()) })),
      update: lambdaFunctionSchema,
      result: lambdaFunctionSchema,
      reset: lambdaFunctionSchema.nullable(),
    })
    .nullable(),
  problem: z.string().nullable(),
  line: z.number().int().positive().optional(),
});
export type CustomMetricSpec = z.infer<typeof customMetricSchema>;

export const runtimeModelSchema = z.object({
  name: z.string().default('model'),
  config: kerasModelConfigSchema,
  lambdas: z.record(z.string(), lambdaIRSchema).default({}),
  /** Instances of layer classes the source defines, by layer name. */
  customLayers: z.record(z.string(), customLayerIRSchema).optional(),
  /** Options the config leaves open (null), which the runtime fills from given weights or names when it cannot. */
  open: z.array(openOptionSchema).optional(),
  /** Why the reader's layers are a guess (built in a loop over items it cannot read): the runtime refuses with it. */
  guessed: z.string().optional(),
  /** For a model whose config declares no input shape: the shapes its source states, most certain first. */
  statedInputs: z
    .array(z.object({ shape: z.array(z.number().int().nonnegative().nullable()), from: z.string() }))
    .optional(),
  training: z
    .looseObject({
      loss: jsonValueSchema.optional(),
      optimizer: jsonValueSchema.optional(),
      batchSize: z.number().int().positive().nullable().optional(),
      epochs: z.number().int().positive().nullable().optional(),
      /** The user's own loss (`loss` is then its name): translated, or why it could not be (with the line). */
      customLoss: z
        .object({
          name: z.string(),
          kind: z.enum(['function', 'loss-class']),
          fn: lambdaFunctionSchema.nullable(),
          problem: z.string().nullable(),
          line: z.number().int().positive().optional(),
        })
        .optional(),
      /** `compile(metrics=...)` and `compile(weighted_metrics=...)`: names or `{class_name, config}`, lists or dicts by output. */
      metrics: jsonValueSchema.optional(),
      /** The user's own metrics, which `metrics` / `weightedMetrics` name as `{custom_metric: index}`: translated, or why not (with the line). */
      customMetrics: z.array(customMetricSchema).optional(),
      weightedMetrics: jsonValueSchema.optional(),
      /** `fit(class_weight=...)`: the weight of each class id, which training applies as Keras does. */
      classWeight: z.record(z.string(), z.number()).nullable().optional(),
    })
    .optional(),
  /** Where each layer's constructor is written in the source (1-based line, by Keras layer name), for messages that point at it. */
  layerLines: z.record(z.string(), z.number().int().positive()).optional(),
});
export type RuntimeModel = z.infer<typeof runtimeModelSchema>;

/** A model as the runtime takes it, from the reader's IR (what the CLI, the extension and the tests send). */
export function runtimeModelOf(ir: ModelIR): RuntimeModel {
  const t = ir.training;
  const open = ir.unresolved.flatMap((u) =>
    u.layer && u.option
      ? [{ key: u.key, layer: u.layer, option: u.option, ...(u.axis !== undefined ? { axis: u.axis } : {}) }]
      : [],
  );
  return {
    name: ir.name,
    config: ir.config,
    lambdas: ir.lambdas,
    customLayers: ir.customLayers,
    ...(ir.guessed ? { guessed: ir.guessed } : {}),
    training: {
      loss: t.loss ?? undefined,
      optimizer: t.optimizer ?? undefined,
      batchSize: t.batchSize,
      epochs: t.epochs,
      ...(t.customLoss
        ? {
            customLoss: {
              name: t.customLoss.name,
              kind: t.customLoss.kind,
              fn: t.customLoss.fn,
              problem: t.customLoss.problem
                ? `${t.customLoss.problem.message} (line ${t.customLoss.problem.range.start.line + 1})`
                : null,
              line: t.customLoss.range.start.line + 1,
            },
          }
        : {}),
      ...(t.metrics ? { metrics: t.metrics } : {}),
      ...(t.customMetrics.length > 0
        ? {
            customMetrics: t.customMetrics.map((m) => ({
              name: m.name,
              kind: m.kind,
              fn: m.fn,
              metricClass: m.metricClass,
              problem: m.problem ? `${m.problem.message} (line ${m.problem.range.start.line + 1})` : null,
              line: m.range.start.line + 1,
            })),
          }
        : {}),
      ...(t.weightedMetrics ? { weightedMetrics: t.weightedMetrics } : {}),
      ...(t.fitArgs.classWeight ? { classWeight: t.fitArgs.classWeight } : {}),
    },
    layerLines: layerLines(ir.sources),
    ...(open.length > 0 ? { open } : {}),
    ...(ir.statedInputs ? { statedInputs: ir.statedInputs } : {}),
  };
}

// z.number() refuses NaN and ±Infinity, which structured cloning carries and data may hold.
type NumberLike = number | null | 'NaN' | 'Infinity' | '-Infinity';
const NAMED_NUMBERS = new Set<unknown>(['NaN', 'Infinity', '-Infinity']);
const isNumberLike = (v: unknown): v is NumberLike => typeof v === 'number' || v === null || NAMED_NUMBERS.has(v);
/**
 * Values arrive by the hundred thousand (a model's weights): one loop over them, where a zod
 * union per element took 60 ms for W6's 128,000 weights.
 */
const numberLikes = z.custom<NumberLike[]>(
  (v) => Array.isArray(v) && v.every(isNumberLike),
  'expected an array of numbers (null, "NaN", "Infinity" or "-Infinity" for those values)',
);

/** A flat array with its shape; `null` / "NaN" mean NaN (JSON has no NaN). */
export const arrayValueSchema = z.object({
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string().default('float32'),
  values: z.union([numberLikes, z.instanceof(Float32Array), z.instanceof(Float64Array), z.instanceof(Int32Array)]),
});
export type ArrayValue = z.infer<typeof arrayValueSchema>;

/**
 * An array expression written inline in the user's source, as the parser reads it
 * (`np.array([...])`, `np.arange(12).reshape(1, 4, 3)`, `pad_sequences(...)`).
 */
export type InlineArrayExpr =
  | { op: 'array'; value: JsonValue; dtype?: string }
  | { op: 'arange'; start: number; stop: number; step?: number; dtype?: string }
  | { op: 'zeros' | 'ones'; shape: number[]; dtype?: string }
  | { op: 'full'; shape: number[]; fill: number; dtype?: string }
  | { op: 'reshape'; target: InlineArrayExpr; shape: number[] }
  | { op: 'astype'; target: InlineArrayExpr; dtype: string }
  | { op: 'slice'; target: InlineArrayExpr; items: SliceItem[] }
  | {
      op: 'pad_sequences';
      sequences: JsonValue;
      maxlen?: number | null;
      padding?: 'pre' | 'post';
      truncating?: 'pre' | 'post';
      value?: number;
      dtype?: string;
    };

export const inlineArrayExprSchema: z.ZodType<InlineArrayExpr> = z.lazy(() =>
  z.union([
    z.object({ op: z.literal('array'), value: jsonValueSchema, dtype: z.string().optional() }),
    z.object({
      op: z.literal('arange'),
      start: z.number(),
      stop: z.number(),
      step: z.number().optional(),
      dtype: z.string().optional(),
    }),
    z.object({
      op: z.enum(['zeros', 'ones']),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.string().optional(),
    }),
    z.object({
      op: z.literal('full'),
      shape: z.array(z.number().int().nonnegative()),
      fill: z.number(),
      dtype: z.string().optional(),
    }),
    z.object({ op: z.literal('reshape'), target: inlineArrayExprSchema, shape: z.array(z.number().int()) }),
    z.object({ op: z.literal('astype'), target: inlineArrayExprSchema, dtype: z.string() }),
    z.object({ op: z.literal('slice'), target: inlineArrayExprSchema, items: z.array(sliceItemSchema) }),
    z.object({
      op: z.literal('pad_sequences'),
      sequences: jsonValueSchema,
      maxlen: z.number().int().positive().nullable().optional(),
      padding: z.enum(['pre', 'post']).optional(),
      truncating: z.enum(['pre', 'post']).optional(),
      value: z.number().optional(),
      dtype: z.string().optional(),
    }),
  ]),
);

/** An inline value: already an array, or an expression to evaluate. */
export const inlineValueSchema = z.union([
  arrayValueSchema,
  z.object({ expr: inlineArrayExprSchema, source: z.string().optional() }),
]);
export type InlineValue = z.infer<typeof inlineValueSchema>;

/** A column of a pandas table: its name in the header row, or its number when the file has none (`header=None`). */
const columnLabelSchema = z.union([z.string().max(1024), z.number().int().nonnegative()]);

/**
 * One step of how pandas narrows a CSV's columns, applied in the code's order to the columns
 * left by the step before: `usecols=` keeps labels or positions in the file's order, `take`
 * picks labels in the order given (`df[['a', 'b']]`, `df['label']`), `drop` removes labels,
 * `positions` and `range` pick by position (`df.iloc[:, [0, 2]]`, `df.iloc[:, 1:5]`,
 * `values[:, :-1]`).
 */
export const columnStepSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('usecols'),
    columns: z.union([z.array(z.string().max(1024)).min(1), z.array(z.number().int().nonnegative()).min(1)]),
  }),
  z.object({ op: z.literal('take'), labels: z.array(columnLabelSchema).min(1).max(4096) }),
  z.object({ op: z.literal('drop'), labels: z.array(columnLabelSchema).min(1).max(4096) }),
  z.object({ op: z.literal('positions'), positions: z.array(z.number().int()).min(1).max(4096) }),
  z.object({
    op: z.literal('range'),
    start: z.number().int().nullable(),
    stop: z.number().int().nullable(),
    step: z.number().int().nullable(),
  }),
]);
export type ColumnStep = z.infer<typeof columnStepSchema>;

/** The columns code reads out of a CSV with pandas (or by slicing the array it read), resolved against the file when it is read. */
export const columnSelectionSchema = z.object({
  /** Whether the first row names the columns (pandas' default) or is data (`header=None`). */
  header: z.boolean(),
  steps: z.array(columnStepSchema).max(16),
  /** One column taken as a Series (`df['label']`, `df.iloc[:, -1]`): a 1-D array of rows. */
  series: z.boolean(),
  /** The 1-based line of the code that picks the columns, for messages. */
  line: z.number().int().positive(),
});
export type ColumnSelection = z.infer<typeof columnSelectionSchema>;

export const fileDataSchema = z.object({
  source: z.literal('file'),
  /** One file per model input when the model has several. */
  x: z.union([z.string(), z.array(z.string()).min(1)]),
  y: z.string().optional(),
  sampleWeight: z.string().optional(),
  /** Member names inside `.npz` / keys inside `.json` files (default: x, y, sample_weight). */
  keys: z
    .object({ x: z.string().optional(), y: z.string().optional(), sampleWeight: z.string().optional() })
    .optional(),
  /** The columns of a `.csv` the code picks with pandas, per role (x applies to each x file). */
  columns: z.object({ x: columnSelectionSchema.optional(), y: columnSelectionSchema.optional() }).optional(),
});

export const inlineDataSchema = z.object({
  source: z.literal('inline'),
  /** One array per model input when the model has several. */
  x: z.union([inlineValueSchema, z.array(inlineValueSchema).min(1)]),
  y: inlineValueSchema.optional(),
  sampleWeight: inlineValueSchema.optional(),
  /** Where the arrays came from, e.g. "evaluate(data_in, data_out) at line 12". */
  description: z.string().optional(),
});

export const syntheticDataSchema = z.object({
  source: z.literal('synthetic'),
  samples: z.number().int().min(1).max(100_000).default(8),
  minLength: z.number().int().min(1).default(1),
  /** 0: the model's full length. */
  maxLength: z.number().int().min(0).default(0),
  padding: z.enum(['post', 'pre']).default('post'),
  /** Defaults to the request's seed. */
  seed: z.number().int().optional(),
  /** Timesteps to use where the model leaves the time dimension open. */
  timesteps: z.number().int().min(1).default(10),
});

export const dataSpecSchema = z.discriminatedUnion('source', [fileDataSchema, inlineDataSchema, syntheticDataSchema]);
export type DataSpec = z.input<typeof dataSpecSchema>;

export const layerWeightsSchema = z.object({
  layer: z.string(),
  weights: z.array(
    z.object({
      name: z.string().optional(),
      shape: z.array(z.number().int().nonnegative()),
      values: arrayValueSchema.shape.values,
    }),
  ),
});
export type LayerWeights = z.infer<typeof layerWeightsSchema>;

/** Weights in Keras `get_weights()` order per layer; absent → Keras-default initializers under the seed. */
/**
 * `trusted`: any file the request names. `restricted` (a workspace in Restricted Mode): files
 * inside `roots` (the workspace folders) and the `picked` files the user chose in a dialog.
 */
export const fileAccessSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('trusted') }),
  z.object({ mode: z.literal('restricted'), roots: z.array(z.string()), picked: z.array(z.string()) }),
]);
export type FileAccess = z.output<typeof fileAccessSchema>;

export const weightsSpecSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('inline'), layers: z.array(layerWeightsSchema) }),
  z.object({ source: z.literal('file'), path: z.string() }),
]);

/** What `fit` validates on: a split of the training data, or separate data. */
export const trainValidationSchema = z.union([
  z.object({ split: z.number().gt(0).lt(1) }),
  z.object({ data: dataSpecSchema }),
]);

const commonRequest = {
  model: runtimeModelSchema,
  family: familySchema.default('keras3'),
  /** Keras version whose mask rules apply; default: the family's reference version. */
  kerasVersion: z.string().optional(),
  data: dataSpecSchema.default({
    source: 'synthetic',
    samples: 8,
    minLength: 1,
    maxLength: 0,
    padding: 'post',
    timesteps: 10,
  }),
  weights: weightsSpecSchema.optional(),
  /** Overrides the loss `compile` names. */
  loss: kerasObjectSchema.optional(),
  seed: z.number().int().default(42),
  samplesShown: z.number().int().min(1).max(4096).default(64),
  timestepsShown: z.number().int().min(1).max(100_000).default(512),
  featuresShown: z.number().int().min(1).max(100_000).default(64),
  memoryCapMB: z.number().positive().default(2048),
  /** `report`: NaN in data is a finding (losses become NaN); `error`: refuse the data. */
  nanPolicy: z.enum(['report', 'error']).default('report'),
  /**
   * Values for dimensions the source leaves open (`{"timesteps": 362}`). The parser applies
   * them to the config; the worker uses `timesteps` for an open time axis of synthetic data.
   */
  dimensions: z.record(z.string(), z.number().int().positive()).default({}),
  /** Which files the task may read (data and weights): VS Code's Restricted Mode narrows it. */
  access: fileAccessSchema.default({ mode: 'trusted' }),
  /** Include each layer's (capped) output in the result. */
  layerOutputs: z.boolean().default(true),
  /** Which output of a model with several outputs (its name or index); default the first. */
  output: z.union([z.string().max(256), z.number().int().min(0)]).optional(),
  /** The pool stops a task that runs longer (setting masklens.taskTimeoutSeconds); 0: no limit. */
  taskTimeoutSeconds: z
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .default(300),
};

export const reductionIdSchema = z.enum(REDUCTION_IDS);
export const semanticsSchema = z.enum([...REDUCTION_IDS, 'all']);

export const evaluateRequestSchema = z.object({
  kind: z.literal('evaluate'),
  ...commonRequest,
  semantics: semanticsSchema.default('all'),
});
export type EvaluateRequest = z.input<typeof evaluateRequestSchema>;
export type EvaluateRequestParsed = z.output<typeof evaluateRequestSchema>;

export const compareRequestSchema = z.object({ kind: z.literal('compare'), ...commonRequest });
export type CompareRequest = z.input<typeof compareRequestSchema>;
export type CompareRequestParsed = z.output<typeof compareRequestSchema>;

export const trainRequestSchema = z.object({
  kind: z.literal('train'),
  ...commonRequest,
  /** Overrides the optimizer `compile` names; default adam. */
  optimizer: kerasObjectSchema.optional(),
  /** Reduction the loop minimises (Keras 3: valid-mean). */
  reduction: reductionIdSchema.default('valid-mean'),
  epochs: z.number().int().min(1).max(100_000).optional(),
  batchSize: z.number().int().min(1).optional(),
  shuffle: z.boolean().default(true),
  validation: trainValidationSchema.optional(),
  /** Return the trained weights (Keras order) in the result. */
  returnWeights: z.boolean().default(false),
});
export type TrainRequest = z.input<typeof trainRequestSchema>;
export type TrainRequestParsed = z.output<typeof trainRequestSchema>;

// ---------------------------------------------------------------- results

/** Any JS number, NaN and ±Infinity included (see the file comment). */
const num = z.custom<number>((v) => typeof v === 'number', 'expected a number');
/**
 * Nested arrays of numbers (layer outputs: up to millions of values). A plain loop instead of
 * a zod union per element: the host validates every result on its main thread.
 */
function isNestedNumbers(v: unknown, depth = 0): boolean {
  if (!Array.isArray(v) || depth > 16) return false;
  for (const x of v) {
    if (typeof x === 'number' || x === null) continue;
    if (!isNestedNumbers(x, depth + 1)) return false;
  }
  return true;
}
const nestedNumbers = z.custom<unknown>((v) => isNestedNumbers(v), 'expected nested arrays of numbers');

export const maskEffectSchema = z.enum(['creates', 'propagates', 'transforms', 'consumes', 'destroys', 'none']);

/** Which weights a task ran with: every result says so. */
export const weightsUsedSchema = z.object({
  source: z.enum(['initialised', 'inline', 'file']),
  /** `file`: how it was read (a JSON list, a `.keras` archive, a legacy `.h5` model, a `.weights.h5` file). */
  format: z.enum(['json', 'keras-archive', 'legacy-h5', 'weights-h5']).optional(),
  /** `file`: the path as given. */
  file: z.string().optional(),
  /** One sentence for people: "weights from model.keras (a .keras archive)". */
  description: z.string(),
});
export type WeightsUsed = z.infer<typeof weightsUsedSchema>;

export const dataInfoSchema = z.object({
  source: z.enum(['file', 'inline', 'synthetic']),
  synthetic: z.boolean(),
  description: z.string(),
  samples: z.number().int(),
  shapes: z.object({
    x: z.array(z.number().int()),
    y: z.array(z.number().int()).nullable(),
    sampleWeight: z.array(z.number().int()).nullable(),
  }),
  files: z
    .object({ x: z.string().optional(), y: z.string().optional(), sampleWeight: z.string().optional() })
    .optional(),
  /** Synthetic data: the valid length of each sample and where it was padded. */
  lengths: z.array(z.number().int()).optional(),
  padding: z.enum(['pre', 'post']).optional(),
  padValue: num.optional(),
  seed: z.number().int().optional(),
  nan: z.object({ x: z.number().int(), y: z.number().int(), sampleWeight: z.number().int() }),
  /** ±Infinity values, a finding like NaN. */
  inf: z.object({ x: z.number().int(), y: z.number().int(), sampleWeight: z.number().int() }),
  notes: z.array(z.string()),
});
export type DataInfo = z.infer<typeof dataInfoSchema>;

export const capSchema = z.object({
  samples: z.object({ shown: z.number().int(), total: z.number().int(), indices: z.array(z.number().int()) }),
  timesteps: z.object({ shown: z.number().int(), total: z.number().int() }),
  features: z.object({ shown: z.number().int(), total: z.number().int() }),
});
export type CapInfo = z.infer<typeof capSchema>;

export const layerResultSchema = z.object({
  name: z.string(),
  className: z.string(),
  outputShape: z.array(z.number().int().nullable()),
  /** Samples × timesteps (capped); 1 = valid, 0 = masked; null: no mask. */
  mask: z.array(z.array(z.number())).nullable(),
  maskShape: z.array(z.number().int()).nullable(),
  /** Valid steps per shown sample and in total (over all samples). */
  maskSummary: z
    .object({ valid: z.number().int(), total: z.number().int(), validPerSample: z.array(z.number().int()) })
    .nullable(),
  effect: maskEffectSchema,
  maskIn: z.boolean(),
  rule: z.object({ kind: z.string(), supportsMasking: z.boolean(), known: z.boolean(), evidence: z.string() }),
  output: nestedNumbers.optional(),
  warning: z.string().nullable(),
});
export type LayerResult = z.infer<typeof layerResultSchema>;

/** The output a result is about, and every output of the model (Keras sums one loss term per output). */
export const modelOutputSchema = z.object({ name: z.string(), names: z.array(z.string()) });

export const lossValuesSchema = z.object({ none: num, 'valid-mean': num, 'total-mean': num, 'sequence-mean': num });
export type LossValues = z.infer<typeof lossValuesSchema>;

/**
 * One compiled metric over the evaluation: at every position and at the positions the output
 * mask keeps, and what Keras reports (the masked value whenever the mask reaches the output).
 */
export const metricResultSchema = z.object({
  /** As Keras reports it (`accuracy`, `weighted_accuracy`). */
  name: z.string(),
  /** What the name resolved to (`sparse_categorical_accuracy`, `mean_absolute_error`). */
  resolved: z.string(),
  /** From `weighted_metrics=`: the sample weights count too. */
  weighted: z.boolean(),
  /** Over every position, padding included (what a metric computed after `predict` gives). */
  unmasked: num,
  /** Over the positions the output mask keeps; null when no mask reaches the output. */
  masked: num.nullable(),
  /** What `evaluate` reports in the chosen family. */
  keras: num,
  /** An accuracy (a share, shown in percent and its difference in points) rather than an error. */
  share: z.boolean(),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

export const evaluateResultSchema = z.object({
  kind: z.literal('evaluate'),
  backend: z.enum(['tensorflow', 'cpu']),
  backendInfo: backendInfoSchema,
  model: z.string(),
  modelOutput: modelOutputSchema,
  family: familySchema,
  kerasVersion: z.string(),
  data: dataInfoSchema,
  weightsUsed: weightsUsedSchema,
  layers: z.array(layerResultSchema),
  output: nestedNumbers,
  outputShape: z.array(z.number().int()),
  /** The mask that reaches the loss (the model output's mask), capped like `layers[].mask`. */
  outputMask: z.array(z.array(z.number())).nullable(),
  /** Samples × timesteps (capped): the loss after its feature axis, before any reduction. */
  perTimestepLoss: z.array(z.array(num)).nullable(),
  /**
   * Every reduction (the issue's `loss: {none, valid-mean, total-mean, sequence-mean}`), plus
   * the loss' name, the per-timestep matrix again and what Keras itself reports. Null without targets.
   */
  loss: lossValuesSchema
    .extend({
      name: z.string(),
      perTimestep: z.array(z.array(num)),
      /** What `evaluate` reports in the chosen family and version (its reduction, batch by batch). */
      keras: z.object({ reduction: z.string(), value: num }),
    })
    .nullable(),
  /** The four reductions alone (same numbers as in `loss`). */
  lossValues: lossValuesSchema.nullable(),
  paddingShareOfUnmaskedLoss: num.nullable(),
  /** `compile(metrics=..., weighted_metrics=...)`, masked and unmasked. */
  metrics: z.array(metricResultSchema),
  /** Which mask `paddingShareOfUnmaskedLoss` counted as padding. */
  paddingMaskSource: z.string().nullable(),
  /**
   * Chunks of samples evaluated in length buckets (cut at their longest sequence), of all
   * chunks, and why the others ran every timestep (null: all were, or no mask marks padding).
   */
  lengthBuckets: z.object({ chunks: z.number().int(), of: z.number().int(), reason: z.string().nullable() }),
  semantics: semanticsSchema,
  caps: capSchema,
  warnings: z.array(z.string()),
  tensors: z.object({ before: z.number().int(), after: z.number().int() }),
  elapsedMs: z.number(),
});
export type EvaluateResult = z.infer<typeof evaluateResultSchema>;

export const reductionRowSchema = z.object({
  id: reductionIdSchema,
  label: z.string(),
  formula: z.string(),
  kerasVersions: z.string(),
  value: num,
});

export const compareResultSchema = z.object({
  kind: z.literal('compare'),
  backend: z.enum(['tensorflow', 'cpu']),
  backendInfo: backendInfoSchema,
  model: z.string(),
  modelOutput: modelOutputSchema,
  family: familySchema,
  data: dataInfoSchema,
  weightsUsed: weightsUsedSchema,
  loss: z.string(),
  maskReachesLoss: z.boolean(),
  /** Which layer last dropped the mask, if it does not reach the loss. */
  maskDroppedBy: z.string().nullable(),
  reductions: z.array(reductionRowSchema),
  /** The unmasked mean next to the family's masked number: (masked − unmasked) / unmasked. */
  relativeDifference: num.nullable(),
  paddingShareOfUnmaskedLoss: num.nullable(),
  /** `compile(metrics=..., weighted_metrics=...)`, masked and unmasked. */
  metrics: z.array(metricResultSchema),
  perSample: z.array(
    z.object({
      sample: z.number().int(),
      validSteps: z.number().int(),
      steps: z.number().int(),
      validMean: num,
      unmaskedMean: num,
    }),
  ),
  warnings: z.array(z.string()),
  tensors: z.object({ before: z.number().int(), after: z.number().int() }),
  elapsedMs: z.number(),
});
export type CompareResult = z.infer<typeof compareResultSchema>;

/**
 * The loss over a data set after an epoch, with and without the mask, and the compiled metrics
 * on the same pass (each as Keras' evaluate would report it, masked and unmasked). Keras' own
 * History averages its metrics over the epoch's batches as the weights change; these are the
 * epoch's final weights.
 */
export const epochLossSchema = z.object({
  masked: num,
  unmasked: num,
  metrics: z.array(metricResultSchema).default([]),
});

export const epochRecordSchema = z.object({
  epoch: z.number().int(),
  train: epochLossSchema,
  val: epochLossSchema.nullable(),
  seconds: z.number(),
});
export type EpochRecord = z.infer<typeof epochRecordSchema>;

export const trainResultSchema = z.object({
  kind: z.literal('train'),
  backend: z.enum(['tensorflow', 'cpu']),
  backendInfo: backendInfoSchema,
  model: z.string(),
  family: familySchema,
  data: dataInfoSchema,
  /** The weights training started from. */
  weightsUsed: weightsUsedSchema,
  validation: z.object({ source: z.string(), samples: z.number().int() }).nullable(),
  loss: z.string(),
  optimizer: z.object({ name: z.string(), config: z.record(z.string(), num) }),
  reduction: reductionIdSchema,
  epochs: z.number().int(),
  batchSize: z.number().int(),
  history: z.array(epochRecordSchema),
  /** `completed`, or why training stopped early (a NaN loss, with its cause). */
  stopped: z.object({
    reason: z.enum(['completed', 'nan-loss']),
    message: z.string(),
    epoch: z.number().int().nullable(),
    batch: z.number().int().nullable(),
  }),
  weights: z.array(layerWeightsSchema).optional(),
  warnings: z.array(z.string()),
  tensors: z.object({ before: z.number().int(), after: z.number().int() }),
  elapsedMs: z.number(),
});
export type TrainResult = z.infer<typeof trainResultSchema>;

/** JSON text for results: NaN and ±Infinity become strings instead of silently becoming null. */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v))
        return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) return Array.from(v);
      return v;
    },
    indent,
  );
}
