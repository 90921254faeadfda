/**
 * From the objects the interpreter built to `ModelIR`: the Keras config (config.ts), what
 * the source says about each layer (sources.ts), translated Lambdas, training arguments,
 * unresolved dimensions and diagnostics.
 */
import type { CustomLayerIR, Diagnostic, JsonObject, KerasLayerConfig, KerasModelConfig, LambdaIR, ModelIR } from '../ir';
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
  if (!layer.model) return { module: layer.module, class_name: layer.className, config: layer.config, registered_name: null };
  const written = modelConfig(layer.model);
  const config: JsonObject = typeof written.config === 'object' && written.config !== null && !Array.isArray(written.config) ? written.config : {};
  return { module: layer.model.module, class_name: String(written.class_name), config };
}

/** The custom layers among `layer` and what it holds or nests, keyed by Keras layer name. */
function collectCustom(layer: LayerObj, out: Record<string, CustomLayerIR>, depth: number): void {
  if (depth > 16) return;
  const custom = layer.custom;
  if (custom) {
    out[String(layer.config.name)] = { ...custom, sublayers: custom.sublayers.map(([attr, held]) => ({ attr, config: heldConfig(held) })) };
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
    unresolved: layers.flatMap((l) => l.unresolved),
    diagnostics: dedupe([...model.diagnostics, ...layers.flatMap((l) => l.diagnostics)]),
  };
}
