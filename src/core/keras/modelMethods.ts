/**
 * Methods called on a model: `add` / `pop` grow a Sequential; `compile`, `fit`,
 * `evaluate`, `predict` record what training will do (loss, optimizer, batch size,
 * epochs, which variables hold the data); `build(shape)` fixes an input shape.
 */
import type { CustomMetricIR, JsonValue, WeightFileRef } from '../ir';
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { layerValue, listedLayers } from './attributes';
import { customLoss } from './customLosses';
import { customMetric, isCustomMetric } from './customMetrics';
import { inputLayer } from './inputs';
import type { ModelObj } from '../objects/modelObjects';
import { sequentialAdd, sequentialRebuilt } from './sequential';
import { learnSubclassInput } from './subclassed';
import { field, named as children, rangeOf, type Syntax } from '../python/syntax';
import { asInt, asNumber, asString, NONE, unknown, type Value } from '../objects/values';

/** Positional parameters of the training methods (Keras 3 signatures; tf.keras agrees on these). */
const COMPILE = [
  'optimizer',
  'loss',
  'loss_weights',
  'metrics',
  'weighted_metrics',
  'run_eagerly',
  'steps_per_execution',
  'jit_compile',
];
const FIT = [
  'x',
  'y',
  'batch_size',
  'epochs',
  'verbose',
  'callbacks',
  'validation_split',
  'validation_data',
  'shuffle',
  'class_weight',
  'sample_weight',
];
const EVALUATE = ['x', 'y', 'batch_size', 'verbose', 'sample_weight'];
const PREDICT = ['x', 'batch_size', 'verbose'];

/** A path the source writes for this model's weights; one it computes at run time is left out. */
function noteWeightFile(model: ModelObj, path: string | null, how: WeightFileRef['how'], node: Syntax): void {
  if (path === null || path === '') return;
  const files = (model.training.weightFiles ??= []);
  if (!files.some((f) => f.path === path && f.how === how)) files.push({ path, how, range: rangeOf(node) });
}

function listItems(v: Value | undefined): Value[] {
  return v === undefined ? [] : v.t === 'seq' ? v.items : [v];
}

/** `ModelCheckpoint(filepath)` as api.ts records it. */
function isCheckpoint(v: JsonValue): v is { class_name: string; config: { filepath: string } } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const c = v.config;
  return typeof c === 'object' && c !== null && !Array.isArray(c) && typeof c.filepath === 'string';
}

function named(args: CallArgs, params: string[]): Map<string, { v: Value; node: Syntax | undefined }> {
  const out = new Map<string, { v: Value; node: Syntax | undefined }>();
  args.pos.forEach((v, i) => {
    if (params[i]) out.set(params[i], { v, node: args.posNodes[i] });
  });
  for (const [k, v] of args.kw) out.set(k, { v, node: args.kwNodes.get(k) });
  return out;
}

/** A loss or optimizer as a name (`"mae"`), a serialised object, or a function's name. */
function kerasSpec(v: Value | undefined): JsonValue | null {
  if (!v || v.t === 'none') return null;
  if (v.t === 'str') return v.v;
  if (v.t === 'json') return v.value;
  if (v.t === 'ref') return v.qual.split('.').pop() ?? v.qual;
  if (v.t === 'func') return v.fn.name;
  if (v.t === 'seq') return v.items.map((i) => kerasSpec(i));
  if (v.t === 'dict')
    return Object.fromEntries(v.keys.map((k, i) => [k.t === 'str' ? k.v : String(i), kerasSpec(v.values[i])]));
  return null;
}

/**
 * `metrics=` / `weighted_metrics=` as kerasSpec reads them, with the user's own metrics (a
 * function, a Metric subclass instance) translated into `custom` and standing as `{custom_metric: i}`.
 */
function metricsSpec(ctx: Ctx, v: Value | undefined, node: Syntax, custom: CustomMetricIR[]): JsonValue | null {
  if (!v || v.t === 'none') return null;
  if (isCustomMetric(v)) {
    const metric = customMetric(ctx, v, node);
    if (!metric) return null;
    if (metric.problem)
      ctx.report('unsupported-construct', 'information', metric.problem.message, metric.problem.range);
    custom.push(metric);
    return { custom_metric: custom.length - 1 };
  }
  // A list written out in the source gives each entry its own place for messages.
  const items = node.type === 'list' || node.type === 'tuple' ? children(node) : null;
  if (v.t === 'seq') return v.items.map((item, i) => metricsSpec(ctx, item, items?.[i] ?? node, custom));
  if (v.t === 'dict') {
    const pairs = node.type === 'dictionary' ? children(node).filter((c) => c.type === 'pair') : null;
    return Object.fromEntries(
      v.keys.map((k, i) => [
        k.t === 'str' ? k.v : String(i),
        metricsSpec(ctx, v.values[i], (pairs?.[i] && field(pairs[i], 'value')) ?? node, custom),
      ]),
    );
  }
  return kerasSpec(v);
}

/**
 * `fit(class_weight={0: 1.0, 1: 3.0})`: weights by whole-number class id; null where the source
 * gives no dict of numbers (a computed one, say), which Keras' own check would also need.
 */
function classWeightOf(v: Value | undefined): Record<string, number> | null {
  if (!v || v.t !== 'dict') return null;
  const out: Record<string, number> = {};
  for (let i = 0; i < v.keys.length; i++) {
    const key = v.keys[i];
    const weight = asNumber(v.values[i]);
    if (key.t !== 'num' || !Number.isInteger(key.v) || weight === null) return null;
    out[String(key.v)] = weight;
  }
  return out;
}

/** The source text of a data argument (`x_train`, `data_in`), which the extension resolves. */
function dataName(entry: { v: Value; node: Syntax | undefined } | undefined): string | undefined {
  if (!entry || entry.v.t === 'none') return undefined;
  return entry.node?.text;
}

export function modelMethod(ctx: Ctx, model: ModelObj, name: string, args: CallArgs): Value {
  const t = model.training;
  switch (name) {
    case 'add': {
      if (model.kind !== 'sequential') return unknown(null);
      const layer = args.pos[0] ?? args.kw.get('layer');
      if (layer) {
        sequentialAdd(ctx, model, layer, args.posNodes[0] ?? args.kwNodes.get('layer') ?? args.node);
        sequentialRebuilt(ctx, model);
      }
      return NONE;
    }
    case 'pop':
      if (model.kind === 'sequential' && model.layers.length > 0) {
        const last = model.layers[model.layers.length - 1];
        model.layers.pop();
        if (
          model.layers.length === 1 &&
          model.layers[0].className === 'InputLayer' &&
          last.className !== 'InputLayer'
        ) {
          // Keras keeps the input layer.
        }
      }
      return NONE;
    case 'compile': {
      const a = named(args, COMPILE);
      t.loss = kerasSpec(a.get('loss')?.v);
      t.customLoss = customLoss(ctx, a.get('loss')?.v, a.get('loss')?.node);
      if (t.customLoss) t.loss = t.customLoss.name;
      if (t.customLoss?.problem)
        ctx.report('unsupported-construct', 'information', t.customLoss.problem.message, t.customLoss.problem.range);
      t.optimizer = kerasSpec(a.get('optimizer')?.v);
      t.customMetrics = [];
      const given = (key: string) => metricsSpec(ctx, a.get(key)?.v, a.get(key)?.node ?? args.node, t.customMetrics);
      t.metrics = given('metrics');
      t.weightedMetrics = given('weighted_metrics');
      const mode = a.get('sample_weight_mode')?.v;
      t.sampleWeightMode = mode ? asString(mode) : null;
      return NONE;
    }
    case 'fit': {
      const a = named(args, FIT);
      learnSubclassInput(model, a.get('x')?.v);
      t.batchSize = asInt(a.get('batch_size')?.v) ?? t.batchSize;
      t.epochs = asInt(a.get('epochs')?.v) ?? t.epochs;
      const validation = a.get('validation_data');
      let validationData: [string, string] | null = null;
      if (validation?.node && (validation.node.type === 'tuple' || validation.node.type === 'list')) {
        const parts = validation.node.namedChildren.filter((c) => c !== null);
        if (parts.length >= 2 && parts[0] && parts[1]) validationData = [parts[0].text, parts[1].text];
      }
      for (const callback of listItems(a.get('callbacks')?.v)) {
        if (callback.t === 'json' && callback.className === 'ModelCheckpoint' && isCheckpoint(callback.value))
          noteWeightFile(model, callback.value.config.filepath, 'ModelCheckpoint', args.node);
      }
      const classWeight = classWeightOf(a.get('class_weight')?.v);
      t.fitArgs = {
        x: dataName(a.get('x')),
        y: dataName(a.get('y')),
        sampleWeight: dataName(a.get('sample_weight')),
        validationData,
        validationSplit: asNumber(a.get('validation_split')?.v),
        ...(classWeight ? { classWeight } : {}),
      };
      return unknown(null, rangeOf(args.node));
    }
    case 'evaluate': {
      const a = named(args, EVALUATE);
      learnSubclassInput(model, a.get('x')?.v);
      const sampleWeight = dataName(a.get('sample_weight'));
      t.evaluateArgs = { x: dataName(a.get('x')), y: dataName(a.get('y')), ...(sampleWeight ? { sampleWeight } : {}) };
      if (t.batchSize === null) t.batchSize = asInt(a.get('batch_size')?.v);
      return unknown(null, rangeOf(args.node));
    }
    case 'predict': {
      const a = named(args, PREDICT);
      learnSubclassInput(model, a.get('x')?.v);
      t.predictArgs = { x: dataName(a.get('x')) };
      return unknown(null, rangeOf(args.node));
    }
    case 'build': {
      if (model.kind === 'sequential' && !model.layers.some((l) => l.className === 'InputLayer')) {
        const shape = args.pos[0] ?? args.kw.get('input_shape');
        if (shape?.t === 'seq') {
          const dims = shape.items.map((d) => asInt(d) ?? null);
          const first = model.layers[0];
          const input = inputLayer(
            ctx,
            dims,
            'float32',
            ctx.namer.sequentialInput(String(first?.config.name ?? 'sequential')),
            args.node,
          );
          model.layers.unshift(input);
        }
      }
      return NONE;
    }
    case 'save': {
      // `model.save(path)` then `load_model(path)` in the same file gives back this model.
      const path = asString(args.pos[0] ?? args.kw.get('filepath'));
      if (path !== null) ctx.savedModels.set(path, model);
      noteWeightFile(model, path, 'save', args.node);
      return NONE;
    }
    case 'save_weights':
    case 'load_weights':
      noteWeightFile(model, asString(args.pos[0] ?? args.kw.get('filepath')), name, args.node);
      return NONE;
    case 'get_layer': {
      const layers = listedLayers(model);
      const wanted = args.pos[0] ?? args.kw.get('name');
      const index = asInt(args.kw.get('index') ?? (wanted?.t === 'num' ? wanted : undefined));
      const byName = asString(wanted);
      const layer =
        byName !== null ? layers.find((l) => l.config.name === byName) : index !== null ? layers[index] : undefined;
      return layer ? layerValue(layer) : unknown(null, rangeOf(args.node));
    }
    case 'summary':
      return NONE;
    default:
      return unknown(null, rangeOf(args.node));
  }
}
