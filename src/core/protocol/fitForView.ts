/**
 * Fits what the host sends a webview to the limits of its schema, so that a file with a
 * 300-character layer name, thousands of layers or hundreds of models is shown shortened,
 * never refused (the webview validates every message and drops one that does not fit).
 */
import { VIEW_LIMITS, type ModelSummary, type ResultSources } from './viewMessages';

/** `text` cut in the middle to `max` characters, so both its start and its end stay readable. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

type LayerSummary = ModelSummary['layers'][number];

function fitLayer(layer: LayerSummary): LayerSummary {
  const name = shorten(layer.name, VIEW_LIMITS.label);
  const className = shorten(layer.className, VIEW_LIMITS.label);
  const cut = name !== layer.name || className !== layer.className;
  return { ...layer, name, className, ...(cut ? { title: shorten(`${layer.name} (${layer.className})`, VIEW_LIMITS.title) } : {}) };
}

function fitModel(model: ModelSummary): ModelSummary {
  const { layers, diagnostics } = model;
  return {
    ...model,
    name: shorten(model.name, VIEW_LIMITS.name),
    loss: model.loss === null ? null : shorten(model.loss, VIEW_LIMITS.label),
    layers: layers.slice(0, VIEW_LIMITS.layers).map(fitLayer),
    ...(layers.length > VIEW_LIMITS.layers ? { layersOmitted: layers.length - VIEW_LIMITS.layers } : {}),
    diagnostics: diagnostics.slice(0, VIEW_LIMITS.diagnostics).map((d) => ({ ...d, message: shorten(d.message, VIEW_LIMITS.message) })),
    ...(diagnostics.length > VIEW_LIMITS.diagnostics ? { diagnosticsOmitted: diagnostics.length - VIEW_LIMITS.diagnostics } : {}),
  };
}

/** The side view's models, fitted; `modelsOmitted` counts the models left out. */
export function fitModelSummaries(models: ModelSummary[]): { models: ModelSummary[]; modelsOmitted?: number } {
  const fitted = models.slice(0, VIEW_LIMITS.models).map(fitModel);
  return models.length > VIEW_LIMITS.models ? { models: fitted, modelsOmitted: models.length - VIEW_LIMITS.models } : { models: fitted };
}

/** A result's layer sources, fitted: the first layers' ranges, names as long as an identifier may be. */
export function fitResultSources(sources: ResultSources): ResultSources {
  return { file: shorten(sources.file, 4096), layers: sources.layers.slice(0, VIEW_LIMITS.layers).map((l) => ({ ...l, name: shorten(l.name, VIEW_LIMITS.name) })) };
}
