/**
 * Saved Keras models and weights files, told apart by their first bytes: a `.keras` archive
 * (zip), or HDF5 (a legacy `.h5` model, whose config is its `model_config` attribute, or a
 * weights-only file). What MaskLens reads from them: the model's config (Keras' own
 * `to_json()` format, which the graph builder reads like the reader's IR), what `compile`
 * was given, and the weights, mapped to the layers of a config.
 */
import type { JsonObject, JsonValue, KerasModelConfig } from '../ir';
import type { MemoryBudget } from '../runtime/memory';
import { DataError } from '../data/errors';
import { parseJsonText } from '../data/jsonText';
import { kerasModelConfigSchema } from '../protocol/runtimeTasks';
import { isLayerClass } from '../layers';
import { isHdf5, openHdf5, type H5Group } from './hdf5';
import { isZip, readKerasArchive } from './kerasArchive';
import { legacyWeightsGroup, savedWeightsFor, type SavedWeights } from './weightLayout';
import type { CustomHeld } from './heldLayers';

export type SavedFormat = 'keras-archive' | 'legacy-h5' | 'weights-h5';

export interface SavedModel {
  format: SavedFormat;
  config: KerasModelConfig;
  /** The Keras version that saved it, when the file says. */
  kerasVersion: string | null;
  /** What `compile` was given: the loss, optimizer and metrics as Keras serialises them. */
  training: {
    loss: JsonValue | null;
    optimizer: JsonValue | null;
    metrics: JsonValue | null;
    weightedMetrics: JsonValue | null;
  };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The format of a saved file from its first bytes; null for anything else (a JSON weights file). */
export function savedFormatOf(head: Uint8Array): 'zip' | 'hdf5' | null {
  return isZip(head) ? 'zip' : isHdf5(head) ? 'hdf5' : null;
}

function modelConfigOf(value: JsonValue, location: string): KerasModelConfig {
  const parsed = kerasModelConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new DataError(
      'holds no Keras model config ({"class_name", "config": {"layers": [...]}})',
      'data-format',
      location,
    );
  return parsed.data;
}

function compiled(settings: JsonObject, optimizerKey: 'optimizer' | 'optimizer_config'): SavedModel['training'] {
  return {
    loss: settings.loss ?? null,
    optimizer: settings[optimizerKey] ?? null,
    metrics: settings.metrics ?? null,
    weightedMetrics: settings.weighted_metrics ?? null,
  };
}

function fromArchive(bytes: Uint8Array, location: string): SavedModel {
  const archive = readKerasArchive(bytes, location, { withWeights: false });
  const config = parseJsonText(archive.config, `${location}[config.json]`);
  const meta = archive.metadata === null ? null : parseJsonText(archive.metadata, `${location}[metadata.json]`);
  const compile = isObject(config) && isObject(config.compile_config) ? config.compile_config : {};
  return {
    format: 'keras-archive',
    config: modelConfigOf(config, `${location}[config.json]`),
    kerasVersion: isObject(meta) && typeof meta.keras_version === 'string' ? meta.keras_version : null,
    training: compiled(compile, 'optimizer'),
  };
}

function jsonAttribute(root: H5Group, name: string, location: string): JsonValue | null {
  const text = root.attrText(name);
  if (text === null) return null;
  if (Array.isArray(text)) throw root.corrupt(`attribute '${name}' is a list, not JSON text`);
  return parseJsonText(text, `${location}[${name}]`);
}

/**
 * Keras 3 records tensor operations (`NotEqual` for an Embedding's mask) among a functional
 * model's layers; its `.keras` config says so by their `module`, its legacy `.h5` config
 * leaves `module` out. The file's `layer_names` lists the model's real layers, so an entry
 * it does not list is an operation; inside a nested model, one that is no layer class.
 */
function markOperations(
  layers: KerasModelConfig['config']['layers'],
  isLayer: (name: string, className: string) => boolean,
  depth = 0,
): void {
  for (const l of layers) {
    const name = typeof l.config.name === 'string' ? l.config.name : '';
    if (Array.isArray(l.config.layers) && depth < 32) {
      const inner = kerasModelConfigSchema.safeParse({ class_name: l.class_name, config: l.config });
      if (inner.success)
        markOperations(inner.data.config.layers, (_n, c) => isLayerClass(c) || c === 'InputLayer', depth + 1);
      continue;
    }
    if (l.module === undefined && !isLayer(name, l.class_name)) l.module = 'keras.src.ops';
  }
}

function fromHdf5(bytes: Uint8Array, location: string): SavedModel {
  const root = openHdf5(bytes, location);
  const config = jsonAttribute(root, 'model_config', location);
  if (config === null) {
    const what =
      legacyWeightsGroup(root) || root.has('layers')
        ? 'a weights file (save_weights), which holds no model config'
        : 'not a Keras model file';
    throw new DataError(`is ${what}: give it as the weights of a model (--weights)`, 'data-format', location);
  }
  const model = modelConfigOf(config, `${location}[model_config]`);
  const listed = legacyWeightsGroup(root)?.attrText('layer_names');
  if (Array.isArray(listed)) markOperations(model.config.layers, (name) => listed.includes(name));
  const training = jsonAttribute(root, 'training_config', location);
  const version = root.attrText('keras_version');
  return {
    format: 'legacy-h5',
    config: model,
    kerasVersion: typeof version === 'string' ? version : null,
    training: compiled(isObject(training) ? training : {}, 'optimizer_config'),
  };
}

/** The model a saved file holds (config and compile settings; the weights are read by `readSavedWeights`). */
export function readSavedModel(bytes: Uint8Array, location: string): SavedModel {
  const format = savedFormatOf(bytes);
  if (format === 'zip') return fromArchive(bytes, location);
  if (format === 'hdf5') return fromHdf5(bytes, location);
  throw new DataError('is neither a .keras archive nor an HDF5 (.h5) file', 'data-format', location);
}

/** The weights a saved file holds, mapped to `model`'s layers; `budget` is charged before anything is inflated or read. */
export function readSavedWeights(
  bytes: Uint8Array,
  location: string,
  model: KerasModelConfig,
  budget?: MemoryBudget,
  custom: CustomHeld = {},
): SavedWeights & { format: SavedFormat } {
  const format = savedFormatOf(bytes);
  if (format === 'zip') {
    const archive = readKerasArchive(bytes, location, { withWeights: true, budget });
    try {
      if (!archive.weights)
        throw new DataError('holds no model.weights.h5: the model was saved without weights', 'data-format', location);
      const root = openHdf5(archive.weights, `${location}[model.weights.h5]`);
      return { format: 'keras-archive', ...savedWeightsFor(root, model, budget, custom) };
    } finally {
      budget?.release(archive.charged);
    }
  }
  if (format === 'hdf5') {
    const root = openHdf5(bytes, location);
    const weights = savedWeightsFor(root, model, budget, custom);
    return { format: root.attrText('model_config') !== null ? 'legacy-h5' : 'weights-h5', ...weights };
  }
  throw new DataError('is neither a .keras archive nor an HDF5 (.h5) file', 'data-format', location);
}
