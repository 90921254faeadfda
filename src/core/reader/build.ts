/**
 * From the objects the interpreter built to `ModelIR`: the Keras config (config.ts), what
 * the source says about each layer (sources.ts), translated Lambdas, training arguments,
 * unresolved dimensions and diagnostics.
 */
import type { Diagnostic, KerasModelConfig, LambdaIR, ModelIR } from '../ir';
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
  return {
    name: model.varName ?? model.name,
    kind: model.kind,
    range: model.range,
    config: modelConfig(model) as unknown as KerasModelConfig,
    sources: modelSources(model, ctx),
    inputMaxima: inputMaxima(model, scope),
    lambdas,
    training: model.training,
    unresolved: layers.flatMap((l) => l.unresolved),
    diagnostics: dedupe([...model.diagnostics, ...layers.flatMap((l) => l.diagnostics)]),
  };
}
