/**
 * ModelIR: a model as Keras itself would serialise it (`model.to_json()`, Keras 3 format),
 * plus where each piece came from in the user's source. Using Keras' own format means a
 * real Keras config and a parsed source file enter the same pipeline, and golden tests can
 * compare the two directly.
 */

export interface Position {
  line: number; // 0-based, as VS Code counts
  character: number; // 0-based UTF-16 offset
}

export interface Range {
  start: Position;
  end: Position;
}

/** A JSON value as Keras writes it into a config. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * One layer in Keras 3 config form, e.g.
 * `{"module": "keras.layers", "class_name": "LSTM", "config": {"name": "lstm", "units": 3, ...},
 *   "inbound_nodes": [...]}`. `inbound_nodes` is present only inside functional models.
 */
export interface KerasLayerConfig {
  module?: string;
  class_name: string;
  config: JsonObject;
  registered_name?: string | null;
  build_config?: JsonObject;
  inbound_nodes?: JsonValue[];
  name?: string;
}

/** `{"class_name": "Sequential" | "Functional", "config": {"name", "layers", ...}}`. */
export interface KerasModelConfig {
  module?: string;
  class_name: string;
  config: JsonObject & { name: string; layers: KerasLayerConfig[] };
}

export type KerasFamily = 'keras3' | 'tf-keras2';
export type ModelKind = 'sequential' | 'functional' | 'subclassed';
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A mechanical source edit, applied by the extension (or printed by the CLI). */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fix?: QuickFix;
}

/** A dimension the source does not fix (e.g. `x.shape[1]` of data loaded at run time). */
export interface UnresolvedDimension {
  /** Name the user can give a value for, e.g. `timesteps` or `x.shape[1]`. */
  key: string;
  range: Range;
  /**
   * The layer whose config option it leaves open (`Embedding(vocab_size, ...)`: `input_dim`),
   * when it is one; `option: 'shape'` with `axis` (batch first) for an axis of the input shape
   * a layer declares (`Input(shape=(timesteps, n))`, `input_shape=`).
   */
  layer?: string;
  option?: string;
  axis?: number;
}

/**
 * An input shape the source states for a model whose config declares none (a Sequential
 * without an input): where the reader found it, most certain first.
 */
export interface StatedInputShape {
  /** Batch first; null where open. */
  shape: (number | null)[];
  /** What states it, for messages (`input_length=MAX_LEN`, `x_train = pad_sequences(..., maxlen=40)`). */
  from: string;
}

/**
 * A file the source loads this model's weights from or saves them to, by a path it writes:
 * where such a file exists, its weights are this model's (trained ones, from an earlier run).
 */
export interface WeightFileRef {
  /** As the source writes it (relative to where the script runs). */
  path: string;
  how: 'load_model' | 'load_weights' | 'save' | 'save_weights' | 'ModelCheckpoint';
  range: Range;
}

/**
 * A loss the user's code defines (a def, a closure, functools.partial, a `keras.losses.Loss`
 * subclass's `call`), translated like a Lambda body; its parameters are `(y_true, y_pred)`.
 */
export interface CustomLossIR {
  /** The function's or the class's name. */
  name: string;
  kind: 'function' | 'loss-class';
  /** null when it could not be translated (`problem` says where). */
  fn: LambdaFunction | null;
  problem: { message: string; range: Range } | null;
  /** Where compile() names it. */
  range: Range;
}

/** One state variable of a user's `keras.metrics.Metric` subclass (`self.add_weight(...)` in `__init__`). */
export interface MetricStateIR {
  /** The attribute that holds it (`self.total`). */
  attr: string;
  shape: number[];
}

/**
 * A metric the user's code defines, named in `compile(metrics=...)` / `weighted_metrics=`: a
 * function `(y_true, y_pred)` Keras wraps in a mean, or a `keras.metrics.Metric` subclass whose
 * `update_state` / `result` / `reset_state` are translated like Lambda bodies, its states
 * accumulating over the batches. In the compiled metrics list it stands as `{custom_metric: index}`.
 */
export interface CustomMetricIR {
  /** As Keras reports it: the function's name, or the instance's `name` (by default the class in snake case). */
  name: string;
  kind: 'function' | 'metric-class';
  /** The function: values per position (or per sample). */
  fn: LambdaFunction | null;
  /** The class: `update_state(y_true, y_pred, sample_weight)` gives every state's new value (in `states` order). */
  metricClass: {
    states: MetricStateIR[];
    update: LambdaFunction;
    result: LambdaFunction;
    /** `reset_state()`'s values for the states; null: Keras' own (every state zero). */
    reset: LambdaFunction | null;
  } | null;
  /** null when it could be translated; else why not, where. */
  problem: { message: string; range: Range } | null;
  /** Where compile() names it. */
  range: Range;
}

/** What `compile` / `fit` / `evaluate` calls on this model say, where the source fixes it. */
export interface TrainingSpec {
  loss: JsonValue | null; // a name ("mae") or a serialised loss object ({class_name, config})
  optimizer: JsonValue | null; // a name ("adam") or {class_name, config}
  sampleWeightMode: string | null;
  /** The user's own loss, when `loss` names one (then `loss` is its name). */
  customLoss: CustomLossIR | null;
  /** `compile(metrics=...)` / `compile(weighted_metrics=...)`: names or serialised metric objects, lists or dicts by output. */
  metrics: JsonValue | null;
  weightedMetrics: JsonValue | null;
  /** The user's own metrics that `metrics` / `weightedMetrics` name (as `{custom_metric: index}`). */
  customMetrics: CustomMetricIR[];
  batchSize: number | null;
  epochs: number | null;
  /** Names of source variables passed as data, so inline arrays can be resolved. */
  fitArgs: {
    x?: string;
    y?: string;
    sampleWeight?: string;
    validationData?: [string, string] | null;
    validationSplit?: number | null;
    /** `class_weight=`: weight by class id (a dict of numbers in the source). */
    classWeight?: Record<string, number> | null;
  };
  evaluateArgs: { x?: string; y?: string; sampleWeight?: string } | null;
  predictArgs: { x?: string } | null;
  /** Files the source saves this model to or loads its weights from (`model.save`, `load_weights`, `ModelCheckpoint`, `load_model`). */
  weightFiles?: WeightFileRef[];
}

/**
 * A small expression language for Lambda bodies the runtime can execute, and for the methods
 * of custom layer classes (`call`, `compute_mask`, `build`): their statements become one
 * expression, `if`s on the mask or the training flag become `cond`.
 */
export type LambdaExpr =
  | { op: 'param'; index: number } // the i-th parameter of the function (x, or previous_mask)
  | { op: 'const'; value: number | boolean | string | null } // a string is a dtype ("float32")
  | { op: 'slice'; target: LambdaExpr; items: SliceItem[] }
  | {
      op: 'binary';
      operator: '+' | '-' | '*' | '/' | '**' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or';
      left: LambdaExpr;
      right: LambdaExpr;
    }
  | { op: 'unary'; operator: '-' | 'not'; operand: LambdaExpr }
  | { op: 'call'; fn: string; args: LambdaExpr[]; kwargs: Record<string, LambdaExpr | JsonValue> } // fn normalised, e.g. "sum", "mean", "expand_dims"
  /** `a if test else b`, and an `if` whose test is only known when the layer runs (`if mask is None`). */
  | { op: 'cond'; test: LambdaExpr; then: LambdaExpr; else: LambdaExpr }
  | { op: 'isNone'; operand: LambdaExpr }
  /** An attribute a custom layer sets when it is built or constructed: a weight, or a size read from the input shape. */
  | { op: 'self'; name: string }
  /** A layer a custom layer holds (`self.dense(x)`), called; `name` is its attribute. */
  | { op: 'layer'; name: string; args: LambdaExpr[]; kwargs: Record<string, LambdaExpr> };

export type SliceItem =
  | { kind: 'index'; index: number }
  | { kind: 'range'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'ellipsis' }
  | { kind: 'newaxis' };

export interface LambdaFunction {
  params: string[];
  body: LambdaExpr;
  source: string;
}

/** How a Lambda's `mask=` argument was given. */
export type LambdaMaskSpec =
  { kind: 'none' } | { kind: 'constant'; value: JsonValue } | { kind: 'callable'; fn: LambdaFunction };

export interface LambdaIR {
  fn: LambdaFunction | null; // null when the body could not be translated (a diagnostic says why)
  mask: LambdaMaskSpec;
}

/** A shape as read statically, batch first: null for None, a name for a dimension the source leaves open. */
export type StaticShape = (number | string | null)[];

/** What a Lambda's function does to the time axis: whether dropping the mask there is a bug. */
export type LambdaTimeEffect = 'time-slice' | 'elementwise' | 'reduces-time' | 'unknown';

/**
 * What the source says about one layer, beside Keras' config (which stays exactly Keras'
 * format): where it is written and the facts the diagnostics need, so they read the IR and
 * the mask flow only.
 */
export interface LayerSource {
  /** The constructor call (or, for a model used as a layer, the model's). */
  range: Range;
  /** Where each constructor argument is written, by config key (`mask_value`, `input_dim`). */
  argRanges: Record<string, Range>;
  /** Input and output shape (first input, first output) at the layer's first call in its model. */
  inputShape: StaticShape | null;
  outputShape: StaticShape | null;
  /** Set on a layer the reader made up and Keras does not list (a traced subclass's stand-in input). */
  standIn?: true;
  /** A Lambda: what its function does to time, and the `mask=` argument that would carry the mask through it. */
  lambda?: { time: LambdaTimeEffect; maskFix: { insertAt: Range; newText: string; maskSource: string } | null };
  /** An Embedding whose `input_dim` is `len(x)`, written there or through one assignment: the call's text and the value's range. */
  inputDimFromLen?: { text: string; range: Range };
  /** A model used as a layer: its own layers, by name. */
  nested?: Record<string, LayerSource>;
}

/** Why part of a custom layer cannot be read, at the code that stops it. */
export interface Unreadable {
  kind: 'unreadable';
  reason: string;
  range: Range;
}

/**
 * What `build(self, input_shape)` (or `__init__`) assigns to `self`, in order: a weight
 * (`{op: 'call', fn: 'add_weight', ...}`) or a value; expressions read the input shape as
 * parameter 0.
 */
export interface BuildStep {
  attr: string;
  value: LambdaExpr;
}

/**
 * A layer class the user's code defines (`class X(keras.layers.Layer)`), as one of its
 * instances reads: how Keras treats its masks, and its methods translated so the runtime can
 * run it. Keyed by the instance's Keras layer name in `ModelIR.customLayers`.
 */
export interface CustomLayerIR {
  className: string;
  /** The Keras layer class it derives from without changing its masking (`class MyLSTM(LSTM)`): that class' rule and runtime apply. */
  base: string | null;
  /** The class statement. */
  range: Range;
  /** `supports_masking` as Keras sets it on this instance, and what sets it. */
  supportsMasking: boolean;
  supportsMaskingFrom: 'class attribute' | '__init__' | 'compute_mask' | 'default';
  /** `call()` has a `mask` parameter: Keras passes it the incoming mask. */
  callTakesMask: boolean;
  /** `compute_mask(inputs, mask)`; `default`: Keras' own, which returns the incoming mask. */
  computeMask: { kind: 'default' } | { kind: 'function'; fn: LambdaFunction } | Unreadable;
  /**
   * `call(inputs, mask, training)` as one expression; unreadable with whether the tensor it
   * returns may already carry a mask (the input itself, or a held layer's output).
   */
  call: { kind: 'function'; fn: LambdaFunction } | (Unreadable & { mayReturnMasked: boolean });
  /** How many tensors `call` returns (`ops.split(x, 2, axis=1)`: 2). */
  outputs: number;
  build: BuildStep[];
  /** The layers the instance holds, by attribute, in the order Keras tracks them (their weights follow the layer's own). */
  sublayers: { attr: string; config: KerasLayerConfig }[];
}

export interface ModelIR {
  /** The Python variable the model is bound to (`model`, `m`). */
  name: string;
  kind: ModelKind;
  range: Range;
  config: KerasModelConfig;
  /** What the source says about each layer of `config`, keyed by Keras layer name (nested models under their layer). */
  sources: Record<string, LayerSource>;
  /** The largest value in each array written in the file and passed as `x` to fit/evaluate/predict, by variable name. */
  inputMaxima: Record<string, number>;
  /** Translated Lambda functions, keyed by Keras layer name. */
  lambdas: Record<string, LambdaIR>;
  /** Custom layer classes' instances (and the custom layers they hold), keyed by Keras layer name. */
  customLayers: Record<string, CustomLayerIR>;
  training: TrainingSpec;
  unresolved: UnresolvedDimension[];
  /** For a model whose config declares no input shape: the shapes its source states for its input, most certain first. */
  statedInputs?: StatedInputShape[];
  /** Set when some of its layers were made by code the reader could only guess at: why, for a refusal to run it. */
  guessed?: string;
  diagnostics: Diagnostic[];
}

export interface ParsedFile {
  file: string;
  models: ModelIR[];
  diagnostics: Diagnostic[];
}
