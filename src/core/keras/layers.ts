/**
 * Building layers from constructor calls: arguments → Keras 3 config keys, with Keras'
 * defaults and normalisations, wrappers (Bidirectional, TimeDistributed), Lambda, and the
 * legacy `input_shape=` a Sequential turns into its input; and the opaque layer an object of
 * a class MaskLens cannot see becomes once it is used as one. See inputs.ts for Input /
 * InputLayer and layerCall.ts for calling a layer on tensors.
 */
import type { JsonObject, JsonValue, LambdaMaskSpec, Range } from '../ir';
import type { CallArgs } from '../objects/arguments';
import type { LayerSignature, Norm } from '../layers/entry';
import { layerEntry } from '../layers/index';
import { thirdPartyEntry } from '../layers/thirdParty';
import type { Ctx } from '../objects/context';
import { activationName, constraint, dtypePolicy, initializer, regularizer } from '../layers/kerasObjects';
import { translateFunction, timeEffect } from './lambda';
import type { Dim, LayerObj, Shape } from '../objects/modelObjects';
import { compact, endOf, isForeign, named, rangeOf, type Syntax } from '../python/syntax';
import { asInt, asString, seq, toJson, type FuncValue, type UnknownCall, type Value } from '../objects/values';

export function newLayer(ctx: Ctx, className: string, node: Syntax | null, known: boolean): LayerObj {
  const layer: LayerObj = {
    id: ctx.id(),
    className,
    module: 'keras.layers',
    known,
    op: false,
    config: {},
    range: node ? rangeOf(node) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    syntax: node,
    argRanges: {},
    argSyntax: {},
    inputShape: null,
    inner: null,
    lambda: null,
    model: null,
    nodes: [],
    diagnostics: [],
    unresolved: [],
    lambdaMaskFix: null,
    lambdaTime: null,
    custom: null,
    statedInput: null,
  };
  ctx.layers.push(layer);
  return layer;
}

/** A layer of a library beside Keras that MaskLens knows (`keras_hub.layers.TransformerEncoder(...)`), or null. */
export function libraryLayer(ctx: Ctx, qual: string, args: CallArgs): Value | null {
  const cut = qual.lastIndexOf('.');
  const className = qual.slice(cut + 1);
  const module = qual.slice(0, Math.max(0, cut));
  const third = thirdPartyEntry(className, module);
  if (!third) return null;
  const layer = constructLayer(ctx, className, args, third.signature);
  layer.module = module;
  layer.diagnostics.push(
    ctx.diag(
      'third-party-layer',
      'information',
      `\`${className}\` from ${third.library}: MaskLens follows what it does with masks (${third.mask[0]?.rule.evidence ?? 'its source'}), but the runtime cannot run it.`,
      layer.range,
    ),
  );
  return { t: 'layer', layer };
}

/** The opaque layer an unknown class's instance becomes once it is used as a layer. */
export function opaqueLayer(ctx: Ctx, origin: UnknownCall): LayerObj {
  if (origin.layer) return origin.layer;
  const layer = newLayer(ctx, origin.className, origin.node, false);
  layer.module = origin.module;
  layer.config = {
    name: typeof origin.kwargs.name === 'string' ? origin.kwargs.name : ctx.namer.layer(origin.className),
    trainable: true,
    dtype: dtypePolicy('float32'),
    ...origin.kwargs,
  };
  layer.diagnostics.push(
    ctx.diag(
      'unknown-layer',
      'information',
      `MaskLens cannot see \`${origin.className}\` (from ${origin.module || 'outside this file'}): it is kept as an opaque layer whose mask behaviour is unknown, so the mask after it is shown as unknown. The runtime cannot run it.`,
      rangeOf(origin.node),
    ),
  );
  origin.layer = layer;
  return layer;
}

/** A dimension from a value; unknowns become unresolved dimensions the user can supply (`axis`: where it sits in an input shape, batch first). */
function dim(ctx: Ctx, layer: LayerObj, v: Value, node: Syntax | undefined, axis?: number): Dim {
  const n = asInt(v);
  if (n !== null) return n;
  if (v.t === 'none') return null;
  const key = v.t === 'unknown' && v.key ? v.key : (node?.text.replace(/\s+/g, '') ?? '?');
  const range = (v.t === 'unknown' && v.range) || (node ? rangeOf(node) : layer.range);
  noteUnresolved(ctx, layer, key, range, axis === undefined ? undefined : 'shape', axis);
  return { unresolved: key };
}

export function noteUnresolved(
  ctx: Ctx,
  layer: LayerObj,
  key: string,
  range: Range,
  option?: string,
  axis?: number,
): void {
  if (
    layer.unresolved.some(
      (u) =>
        u.key === key && u.range.start.line === range.start.line && u.range.start.character === range.start.character,
    )
  )
    return;
  layer.unresolved.push(option ? { key, range, option, ...(axis !== undefined ? { axis } : {}) } : { key, range });
  layer.diagnostics.push(
    ctx.diag(
      'unresolved-shape',
      'information',
      `\`${key}\` is not fixed by the source (it comes from data or code MaskLens does not run), so this dimension is left open (None). Give it a value in the setting masklens.unresolvedDimensions (e.g. {"${key}": 20}) or choose data to run the model on.`,
      range,
    ),
  );
}

/**
 * A shape given as a tuple literal, element by element (each unknown keeps its own range).
 * `firstAxis`: the axis its first element is in the batch-first input shape (1 for `shape=`,
 * 0 for `batch_shape=`); undefined when the shape is not an input's.
 */
export function shapeFrom(
  ctx: Ctx,
  layer: LayerObj,
  v: Value,
  node: Syntax | undefined,
  firstAxis?: number,
): Shape | null {
  const axis = (i: number): number | undefined => (firstAxis === undefined ? undefined : firstAxis + i);
  if (v.t === 'seq') {
    const elements = node && (node.type === 'tuple' || node.type === 'list') ? named(node) : [];
    return v.items.map((item, i) => dim(ctx, layer, item, elements[i] ?? node, axis(i)));
  }
  const n = asInt(v);
  if (n !== null) return [n];
  if (v.t === 'unknown') {
    dim(ctx, layer, v, node, axis(0));
    return null;
  }
  return null;
}

/**
 * `fallback`: Keras' default for the option, or null for an option without one (a size such as
 * units or input_dim), which an unknown value leaves open for the user to supply.
 */
function normalise(
  ctx: Ctx,
  layer: LayerObj,
  norm: Norm | undefined,
  v: Value,
  node: Syntax | undefined,
  option: string,
  fallback: JsonValue | undefined,
): JsonValue {
  switch (norm) {
    case 'tuple1': {
      const n = asInt(v);
      if (n !== null) return [n];
      break;
    }
    case 'activation':
      if (v.t === 'none') return 'linear';
      if (v.t === 'str') return activationName(v.v);
      if (v.t === 'ref') return activationName(v.qual.split('.').pop() ?? v.qual);
      if (v.t === 'func') return v.fn.name;
      break;
    case 'initializer':
      if (v.t === 'str') return initializer(v.v) ?? v.v;
      break;
    case 'regularizer':
      if (v.t === 'str') return regularizer(v.v) ?? v.v;
      break;
    case 'constraint':
      if (v.t === 'str') return constraint(v.v) ?? v.v;
      break;
    case 'float':
      if (v.t === 'num' || v.t === 'bool') return v.t === 'num' ? v.v : v.v ? 1 : 0;
      break;
    default:
      break;
  }
  const j = toJson(v);
  if (j !== undefined) return j;
  if (v.t === 'unknown') {
    const range = v.range ?? (node ? rangeOf(node) : layer.range);
    if (fallback === null) {
      // A size the source leaves open: named by its expression when no variable names it.
      const key = v.key ?? (node ? compact(node.text) : null);
      if (key) noteUnresolved(ctx, layer, key, range, option);
      return null;
    }
    if (fallback !== undefined) {
      const what = v.key ?? (node ? compact(node.text) : option);
      layer.diagnostics.push(
        ctx.diag(
          'unsupported-construct',
          'information',
          `MaskLens cannot tell the value of \`${what}\` (${option}), which the source computes from code it does not run; it reads Keras' default, ${JSON.stringify(fallback)}.`,
          range,
        ),
      );
      return fallback;
    }
    if (v.key) noteUnresolved(ctx, layer, v.key, range, option);
    return null;
  }
  return null;
}

/** A layer as Keras serialises it inside a wrapper's config. */
export function serialiseLayer(layer: LayerObj, config: JsonObject = layer.config): JsonObject {
  return { module: layer.module, class_name: layer.className, config, registered_name: null };
}

const INPUT_KWARGS = new Set(['input_shape', 'input_dim', 'batch_input_shape', 'batch_size', 'input_length']);

/** One constructor argument into the config (normalised as the catalog says), with where it was written. */
function setArgument(
  ctx: Ctx,
  layer: LayerObj,
  config: JsonObject,
  spec: LayerSignature | undefined,
  defaults: JsonObject,
  key: string,
  v: Value,
  node: Syntax | undefined,
  whole?: Syntax,
): void {
  config[key] = normalise(ctx, layer, spec?.norms?.[key], v, node, key, spec ? defaults[key] : undefined);
  const at = whole ?? node;
  if (at) {
    layer.argRanges[key] = rangeOf(at);
    layer.argSyntax[key] = at;
  }
}

/** Constructs a Keras layer from a call like `LSTM(64, return_sequences=True)` (`signature`: a class of another library). */
export function constructLayer(ctx: Ctx, className: string, args: CallArgs, signature?: LayerSignature): LayerObj {
  const spec = signature ?? layerEntry(className)?.signature;
  const layer = newLayer(ctx, className, args.node, spec !== undefined);
  const explicitName = asString(args.kw.get('name'));
  // One spread after the literal keys (not Object.assign into it): keeps the config in V8's fast mode.
  const defaults = spec ? spec.defaults() : {};
  const config: JsonObject = spec?.bare
    ? { ...defaults }
    : { name: '', trainable: true, dtype: dtypePolicy('float32'), ...defaults };
  layer.config = config;

  const values = new Map<string, { v: Value; node: Syntax | undefined; whole: Syntax | undefined }>();
  if (spec) {
    args.pos.forEach((v, i) => {
      const key = spec.params[i];
      if (key) values.set(key, { v, node: args.posNodes[i], whole: args.posNodes[i] });
    });
  } else {
    args.pos.forEach((v, i) => values.set(`arg${i}`, { v, node: args.posNodes[i], whole: args.posNodes[i] }));
  }
  for (const [k, v] of args.kw) {
    const node = args.kwNodes.get(k);
    const whole = args.kwNameNodes.get(k);
    if (k === 'name') continue;
    if (k === 'trainable') {
      const j = toJson(v);
      if (typeof j === 'boolean') config.trainable = j;
      continue;
    }
    if (k === 'dtype') {
      const s = asString(v) ?? (v.t === 'ref' ? (v.qual.split('.').pop() ?? null) : null);
      if (s) config.dtype = dtypePolicy(s);
      continue;
    }
    if (INPUT_KWARGS.has(k) && !spec?.params.includes(k)) continue;
    const key = spec?.aliases?.[k] ?? k;
    if (spec?.dropped?.includes(key)) continue;
    values.set(key, { v, node, whole });
  }

  // Keras names the layer in its constructor: after its arguments (inner layers) exist.
  config.name = explicitName ?? ctx.namer.layer(className);

  if (className === 'Lambda') buildLambda(ctx, layer, values);
  else if (className === 'Bidirectional' || className === 'TimeDistributed') buildWrapper(ctx, layer, values);
  else {
    for (const [key, { v, node, whole }] of values) {
      if (!spec && key.startsWith('arg')) continue;
      setArgument(ctx, layer, config, spec, defaults, key, v, node, whole);
    }
  }
  spec?.derive?.(config);
  if (spec?.bare) {
    // SpatialDropout1D writes {rate, seed, name, dtype}.
    const { name, dtype, ...rest } = config;
    const policy = dtype as { config?: { name?: string } } | undefined;
    layer.config = { ...rest, name, dtype: policy?.config?.name ?? 'float32' };
  }
  readInputShape(ctx, layer, args);
  if (!spec) {
    layer.diagnostics.push(
      ctx.diag(
        'unknown-layer',
        'information',
        `MaskLens does not model \`${className}\`: it is kept as an opaque layer whose mask behaviour is unknown, so the mask after it is shown as unknown. The runtime cannot run it.`,
        layer.range,
      ),
    );
  }
  return layer;
}

/** `input_shape=` / `input_dim=` / `batch_input_shape=` (and tf.keras' Embedding `input_length=`). */
function readInputShape(ctx: Ctx, layer: LayerObj, args: CallArgs): void {
  const batchSize = args.kw.get('batch_size');
  const batch: Dim = batchSize ? (asInt(batchSize) ?? null) : null;
  const dtype = asString(args.kw.get('dtype')) ?? 'float32';
  for (const key of ['input_dim', 'input_shape', 'batch_input_shape']) {
    if (layerEntry(layer.className)?.signature.params.includes(key)) continue; // Embedding's own input_dim
    const v = args.kw.get(key);
    if (!v) continue;
    const shape =
      key === 'input_dim'
        ? [dim(ctx, layer, v, args.kwNodes.get(key), 1)]
        : shapeFrom(ctx, layer, v, args.kwNodes.get(key), key === 'batch_input_shape' ? 0 : 1);
    takeInputShape(layer, args, key, shape, key !== 'batch_input_shape' ? batch : undefined, dtype);
  }
  const length = args.kw.get('input_length');
  if (length && layer.className === 'Embedding' && ctx.family === 'tf-keras2') {
    takeInputShape(
      layer,
      args,
      'input_length',
      [dim(ctx, layer, length, args.kwNodes.get('input_length'), 1)],
      batch,
      dtype,
    );
  } else if (layer.className === 'Embedding' && ctx.family === 'tf-keras2') {
    // tf.keras' Embedding sets input_shape=(None,) when given none, so a Sequential it starts has an input.
    takeInputShape(layer, args, 'input_shape', [null], batch, dtype);
  } else if (length && layer.className === 'Embedding') {
    // Keras 3 ignores input_length (the model is built on the data it first sees), but the source states the length.
    const n = asInt(length);
    layer.statedInput = {
      shape: [batch, n],
      from: `input_length=${args.kwNodes.get('input_length')?.text ?? String(n)}`,
    };
  }
}

/** The first input shape argument wins; `batch` is prepended unless undefined (batch_input_shape has its own). */
function takeInputShape(
  layer: LayerObj,
  args: CallArgs,
  key: string,
  shape: Shape | null,
  batch: Dim | undefined,
  dtype: string,
): void {
  if (!shape || layer.inputShape) return;
  const node = args.kwNameNodes.get(key) ?? args.node;
  layer.inputShape = {
    batchShape: batch !== undefined ? [batch, ...shape] : shape,
    dtype: layer.className === 'Embedding' ? 'float32' : dtype,
    range: rangeOf(node),
  };
}

function buildWrapper(
  ctx: Ctx,
  layer: LayerObj,
  values: Map<string, { v: Value; node: Syntax | undefined; whole: Syntax | undefined }>,
): void {
  const innerValue = values.get('layer')?.v;
  const inner =
    innerValue?.t === 'layer'
      ? innerValue.layer
      : innerValue?.t === 'model'
        ? innerValue.model.layer
        : innerValue?.t === 'instance'
          ? (innerValue.inst.layer ?? null)
          : null;
  layer.inner = inner;
  const c = layer.config;
  if (layer.className === 'Bidirectional') {
    const merge = values.get('merge_mode');
    if (merge) c.merge_mode = toJson(merge.v) ?? 'concat';
    if (inner) {
      const base = String(inner.config.name ?? '');
      // Keras forces zero_output_for_mask = return_sequences on both directions.
      const zero: JsonObject =
        inner.config.zero_output_for_mask !== undefined
          ? { zero_output_for_mask: inner.config.return_sequences === true }
          : {};
      const forward: JsonObject = { ...inner.config, ...zero, name: `forward_${base.replace(/^forward_/, '')}` };
      const backwardGiven = values.get('backward_layer')?.v;
      const backwardLayer = backwardGiven?.t === 'layer' ? backwardGiven.layer : null;
      const backward: JsonObject = backwardLayer
        ? {
            ...backwardLayer.config,
            ...zero,
            name: `backward_${String(backwardLayer.config.name).replace(/^backward_/, '')}`,
          }
        : { ...inner.config, ...zero, go_backwards: true, name: `backward_${base.replace(/^backward_/, '')}` };
      c.layer = serialiseLayer(inner, forward);
      c.backward_layer = serialiseLayer(backwardLayer ?? inner, backward);
    } else c.layer = null;
  } else c.layer = inner ? serialiseLayer(inner) : null;
  const node = values.get('layer')?.whole;
  if (node) {
    layer.argRanges.layer = rangeOf(node);
    layer.argSyntax.layer = node;
  }
  if (!inner) {
    layer.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'information',
        `MaskLens cannot tell which layer this ${layer.className} wraps.`,
        layer.range,
      ),
    );
  }
}

function serialiseFunction(fn: FuncValue): JsonValue {
  if (fn.node.type === 'lambda')
    return { class_name: '__lambda__', config: { code: fn.node.text, defaults: null, closure: null } };
  return { module: 'builtins', class_name: 'function', config: fn.name, registered_name: 'function' };
}

function buildLambda(
  ctx: Ctx,
  layer: LayerObj,
  values: Map<string, { v: Value; node: Syntax | undefined; whole: Syntax | undefined }>,
): void {
  const c = layer.config;
  const fnArg = values.get('function');
  const fn = fnArg?.v.t === 'func' ? fnArg.v.fn : null;
  if (fnArg?.whole) {
    layer.argRanges.function = rangeOf(fnArg.whole);
    layer.argSyntax.function = fnArg.whole;
  }
  const translated = fn ? translateFunction(ctx, fn) : null;
  c.function = fn ? serialiseFunction(fn) : null;
  if (!fn) {
    layer.diagnostics.push(
      ctx.diag(
        'unsupported-construct',
        'warning',
        'MaskLens cannot find the function this Lambda applies (define it as a lambda or a def in this file).',
        fnArg?.whole ? rangeOf(fnArg.whole) : layer.range,
      ),
    );
  } else if (translated?.problem) {
    layer.diagnostics.push(
      ctx.diag('unsupported-construct', 'warning', translated.problem.message, translated.problem.range),
    );
  }
  const outputShape = values.get('output_shape');
  if (outputShape && outputShape.v.t !== 'none') {
    c.output_shape =
      outputShape.v.t === 'func'
        ? serialiseFunction(outputShape.v.fn)
        : (toJson(outputShape.v.t === 'seq' ? seq(outputShape.v.items, true) : outputShape.v) ?? null);
  }
  const maskArg = values.get('mask');
  let mask: LambdaMaskSpec = { kind: 'none' };
  if (maskArg && maskArg.v.t !== 'none') {
    if (maskArg.v.t === 'func') {
      const m = translateFunction(ctx, maskArg.v.fn, 2);
      c.mask = serialiseFunction(maskArg.v.fn);
      if (m.fn) mask = { kind: 'callable', fn: m.fn };
      else if (m.problem)
        layer.diagnostics.push(ctx.diag('unsupported-construct', 'warning', m.problem.message, m.problem.range));
      if (!m.fn)
        mask = {
          kind: 'callable',
          fn: { params: m.params, body: { op: 'param', index: 1 }, source: maskArg.v.fn.node.text },
        };
    } else {
      const j = toJson(maskArg.v);
      c.mask = j ?? null;
      mask = { kind: 'constant', value: j ?? null };
      if (j === undefined) c.mask = { class_name: 'unknown', config: { source: maskArg.node?.text ?? '' } };
    }
    if (maskArg.whole) {
      layer.argRanges.mask = rangeOf(maskArg.whole);
      layer.argSyntax.mask = maskArg.whole;
    }
  }
  const argumentsArg = values.get('arguments');
  c.arguments = argumentsArg ? (toJson(argumentsArg.v) ?? {}) : {};
  layer.lambda = { fn: translated?.fn ?? null, mask };
  // A Lambda written in another module gets no quick fix: its edit would land in this file.
  if (fn && fnArg?.whole && translated?.fn && !isForeign(fnArg.whole)) {
    const effect = timeEffect(translated.bodyNode, translated.params, translated.fn.body);
    layer.lambdaTime = effect.kind;
    const maskSource =
      effect.kind === 'time-slice'
        ? `lambda inputs, previous_mask: previous_mask[:, ${effect.itemText}]`
        : effect.kind === 'elementwise'
          ? 'lambda inputs, previous_mask: previous_mask'
          : null;
    if (maskSource) layer.lambdaMaskFix = { insertAt: endOf(fnArg.whole), newText: `, mask=${maskSource}`, maskSource };
  }
}
