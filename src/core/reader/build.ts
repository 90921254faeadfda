/**
 * From the objects the interpreter built to `ModelIR`: the Keras config (config.ts), what
 * the source says about each layer (sources.ts), translated Lambdas, training arguments,
 * unresolved dimensions and diagnostics.
 */
import type {
  CustomLayerIR,
  Diagnostic,
  JsonObject,
  KerasLayerConfig,
  KerasModelConfig,
  LambdaIR,
  ModelIR,
  StatedInputShape,
} from '../ir';
import type { Ctx } from '../objects/context';
import { modelConfig } from './config';
import { mapGraph } from '../keras/functional';
import type { LayerObj, ModelObj } from '../objects/modelObjects';
import { inputMaxima, modelSources } from './sources';
import type { Scope } from '../objects/values';

/** The model's own layers, in config order. */
export function modelLayers(model: ModelObj): LayerObj[] {
  if (model.kind === 'sequential') return model.layers;
  if (model.kind === 'functional' || model.subclass?.traced) return mapGraph(model).layers.filter((l) => !l.op);
  return (model.subclass?.attrs ?? []).map(([, l]) => l);
}

/** Every layer inside, nested models and wrapped layers included. */
export function allLayers(model: ModelObj, seen = new Set<ModelObj>()): LayerObj[] {
  if (seen.has(model)) return [];
  seen.add(model);
  const out: LayerObj[] = [];
  for (const layer of modelLayers(model)) {
    out.push(layer);
    if (layer.inner) out.push(layer.inner);
    if (layer.model) out.push(...allLayers(layer.model, seen));
  }
  return out;
}

/** A layer a custom layer holds, as Keras serialises it (a model held there with its own layers). */
function heldConfig(layer: LayerObj): KerasLayerConfig {
  if (!layer.model)
    return { module: layer.module, class_name: layer.className, config: layer.config, registered_name: null };
  const written = modelConfig(layer.model);
  const config: JsonObject =
    typeof written.config === 'object' && written.config !== null && !Array.isArray(written.config)
      ? written.config
      : {};
  return { module: layer.model.module, class_name: String(written.class_name), config };
}

/** The custom layers among `layer` and what it holds or nests, keyed by Keras layer name. */
function collectCustom(layer: LayerObj, out: Record<string, CustomLayerIR>, depth: number): void {
  if (depth > 16) return;
  const custom = layer.custom;
  if (custom) {
    out[String(layer.config.name)] = {
      ...custom,
      sublayers: custom.sublayers.map(([attr, held]) => ({ attr, config: heldConfig(held) })),
    };
    for (const [, held] of custom.sublayers) collectCustom(held, out, depth + 1);
  }
  if (layer.inner) collectCustom(layer.inner, out, depth + 1);
  if (layer.model && depth > 0) for (const inner of allLayers(layer.model)) collectCustom(inner, out, depth + 1);
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}:${d.range.start.line}:${d.range.start.character}:${d.range.end.line}:${d.range.end.character}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function buildModelIR(model: ModelObj, ctx: Ctx, scope: Scope): ModelIR {
  const layers = allLayers(model);
  const lambdas: Record<string, LambdaIR> = {};
  for (const layer of layers) {
    const name = String(layer.config.name);
    if (layer.lambda) lambdas[name] = layer.lambda;
  }
  const customLayers: Record<string, CustomLayerIR> = {};
  for (const layer of layers) collectCustom(layer, customLayers, 0);
  return {
    name: model.varName ?? model.name,
    kind: model.kind,
    range: model.range,
    config: modelConfig(model) as unknown as KerasModelConfig,
    sources: modelSources(model, ctx),
    inputMaxima: inputMaxima(model, scope),
    lambdas,
    customLayers,
    training: model.training,
    unresolved: layers.flatMap((l) => l.unresolved.map((u) => (u.option ? { ...u, layer: String(l.config.name) } : u))),
    ...statedInputsOf(model, scope),
    ...guessedOf(model, layers),
    diagnostics: dedupe([
      ...model.diagnostics,
      ...layers.flatMap((l) => l.diagnostics),
      ...paddingMissed(model, ctx, scope),
    ]),
  };
}

/** Why the model's layers are a guess, when one of them was made in code the reader could not follow. */
function guessedOf(model: ModelObj, layers: LayerObj[]): { guessed?: string } {
  const guessed = layers.find((l) => l.guess);
  if (!guessed?.guess) return {};
  const { why, line } = guessed.guess;
  return {
    guessed: `model '${model.varName ?? model.name}' is built by code MaskLens can only guess at (line ${line}: ${why.replace(/\.$/, '')}), so its layers are not known as Keras builds them; write the values that code reads in the source (a config as a dict literal, not loaded from a file)`,
  };
}

/** The Masking layer that reads the model's input directly, if any. */
function inputMasking(model: ModelObj): LayerObj | null {
  if (model.kind === 'sequential') return model.layers.find((l) => l.className !== 'InputLayer') ?? null;
  for (const layer of modelLayers(model)) {
    if (layer.className === 'Masking' && layer.nodes.some((n) => n.inputs[0]?.node.isInput)) return layer;
  }
  return null;
}

/**
 * `Masking(mask_value=-1.)` on data the source pads with another value (`pad_sequences`'
 * default 0): it masks nothing, and the padding counts as data.
 */
function paddingMissed(model: ModelObj, ctx: Ctx, scope: Scope): Diagnostic[] {
  const masking = inputMasking(model);
  const maskValue = masking?.className === 'Masking' ? masking.config.mask_value : undefined;
  if (!masking || typeof maskValue !== 'number' || Number.isNaN(maskValue)) return [];
  const t = model.training;
  for (const name of [t.fitArgs.x, t.evaluateArgs?.x, t.predictArgs?.x]) {
    const v = name && /^[A-Za-z_]\w*$/.test(name) ? scope.get(name) : undefined;
    if (v?.t !== 'array' || v.padValue === undefined || Number.isNaN(v.padValue) || v.padValue === maskValue) continue;
    const label = ctx.family === 'keras3' ? `Keras ${ctx.version}` : `tf.keras ${ctx.version}`;
    return [
      ctx.diag(
        'masking-value-mismatch',
        'warning',
        `\`${name}\` is padded with ${v.padValue} (pad_sequences' value), but Masking masks only steps equal to mask_value=${maskValue}: it masks no padded step, so the padding counts as data (and in a per-timestep loss). Use Masking(mask_value=${v.padValue}), or pad with value=${maskValue}. (${label})`,
        masking.argRanges.mask_value ?? masking.range,
      ),
    ];
  }
  return [];
}

/** Whether the model's config leaves its (single) input shape undeclared. */
function undeclaredInput(model: ModelObj): boolean {
  if (model.kind === 'sequential') return model.layers[0]?.className !== 'InputLayer';
  const input = model.inputs;
  if (model.kind !== 'subclassed' || !input || Array.isArray(input) || !('node' in input)) return false;
  return input.node.layer.syntax === null && input.node.layer.config.batch_shape === null;
}

function shapeText(shape: (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * The input shapes the source states for a model whose config declares none, most certain
 * first: Keras 3's Embedding `input_length=` (which Keras itself ignores), the arrays
 * fit/evaluate/predict are given, and an Embedding first layer's token ids (batch, timesteps).
 */
function statedInputsOf(model: ModelObj, scope: Scope): { statedInputs?: StatedInputShape[] } {
  if (!undeclaredInput(model)) return {};
  const stated: StatedInputShape[] = [];
  const first = model.kind === 'sequential' ? model.layers[0] : undefined;
  if (first?.statedInput) stated.push(first.statedInput);
  const t = model.training;
  for (const name of [t.fitArgs.x, t.evaluateArgs?.x, t.predictArgs?.x]) {
    if (!name || !/^[A-Za-z_][\w.]*$/.test(name)) continue;
    const v = scope.get(name);
    if (v?.t !== 'array' || v.shape.length < 2) continue;
    const shape = [null, ...v.shape.slice(1).map((d) => (typeof d === 'number' ? d : null))];
    if (!stated.some((s) => s.from.startsWith(`\`${name}\``)))
      stated.push({
        shape,
        from: `\`${name}\` of shape ${shapeText([typeof v.shape[0] === 'number' ? v.shape[0] : null, ...shape.slice(1)])}`,
      });
  }
  if (first?.className === 'Embedding')
    stated.push({
      shape: [null, null],
      from: 'the Embedding it starts with, which takes token ids of shape (batch, timesteps)',
    });
  return stated.length > 0 ? { statedInputs: stated } : {};
}
