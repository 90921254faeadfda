/**
 * Saved weights mapped to the model's layers, in the order MaskLens' runtime takes them: per
 * top-level layer, that layer's `get_weights()` list (a nested model's whole list under the
 * nested model's name). Two layouts exist:
 *
 * * Keras' own format (`.weights.h5`, and `model.weights.h5` inside a `.keras` archive), as
 *   Keras 3 and tf-keras 2.13+ write it: a model's layers under `layers/`, each named by its
 *   class in snake case, numbered per class in `model.layers` order (`dense`, `dense_1`, …:
 *   not by the layer's name, which varies between runs); a layer's own variables at
 *   `vars/0…n-1`, the layers it holds under the attribute it keeps them in (`cell`,
 *   `forward_layer`, …).
 * * Legacy HDF5 (`model.save('x.h5')`, `save_weights('x.h5')`): a group per layer name with
 *   the `weight_names` attribute listing its weights in `get_weights()` order.
 *
 * Every top-level layer must be found in the file, and every weight the file holds for it
 * must be placed: a layout MaskLens does not know is refused, never half-read.
 */
import type { JsonObject, JsonValue, KerasLayerConfig, KerasModelConfig } from '../ir';
import type { MemoryBudget } from '../runtime/memory';
import type { H5Array, H5Group } from './hdf5';
import { isOpModule } from '../graph/fromConfig';
import { type CustomHeld, heldLayers } from './heldLayers';

export interface SavedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export type WeightsLayout = 'keras' | 'legacy-h5';

export interface SavedWeights {
  layout: WeightsLayout;
  /** Top-level layer name → its weights in `get_weights()` order. */
  layers: Map<string, SavedArray[]>;
}

/** Keras' `naming.to_snake_case`. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function subLayers(config: JsonObject): KerasLayerConfig[] | null {
  const layers = config.layers;
  if (!Array.isArray(layers)) return null;
  return layers.flatMap((l) =>
    isObject(l) && typeof l.class_name === 'string' && isObject(l.config)
      ? [{ class_name: l.class_name, config: l.config }]
      : [],
  );
}

function isOperation(l: KerasLayerConfig): boolean {
  return l.module !== undefined && isOpModule(l.module);
}

function layerName(l: KerasLayerConfig): string {
  const n = l.config.name;
  return typeof n === 'string' ? n : l.class_name;
}

/**
 * The group names Keras gives a model's layers: `model.layers` order, numbered per class.
 * A Sequential's `layers` leaves out the InputLayer it starts with, and Keras 3's recorded
 * tensor operations (`keras.ops`) are not layers: neither gets a group.
 */
export function containerNames(className: string, layers: KerasLayerConfig[]): (string | null)[] {
  const used = new Map<string, number>();
  return layers.map((l, i) => {
    if (className === 'Sequential' && i === 0 && l.class_name === 'InputLayer') return null;
    if (isOperation(l)) return null;
    const base = snakeCase(l.class_name);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return n === undefined ? base : `${base}_${n + 1}`;
  });
}

function toSaved(a: H5Array): SavedArray {
  return { name: a.path, shape: a.shape, values: a.values };
}

/** A layer's own variables: `vars/0`, `vars/1`, … (trainable first, as `layer.weights` lists them). */
function ownVariables(group: H5Group, budget: MemoryBudget | undefined): SavedArray[] {
  const vars = group.sub('vars');
  if (!vars) return [];
  const keys = vars.keys();
  const out: SavedArray[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (!vars.has(String(i)))
      throw group.corrupt(
        `'${vars.path}' holds ${keys.map((k) => `'${k}'`).join(', ')}, not variables numbered 0 to ${keys.length - 1}`,
      );
    out.push(toSaved(vars.dataset(String(i), budget)));
  }
  return out;
}

/** Datasets under `group` that no visited group holds (depth-bounded: a file's links may form cycles). */
function unplaced(group: H5Group, visited: Set<string>, depth = 0): string | null {
  if (depth > 16) return null;
  for (const key of group.keys()) {
    if (group.isDataset(key)) {
      if (!visited.has(group.path)) return `${group.path}/${key}`;
      continue;
    }
    const sub = group.sub(key);
    const found = sub ? unplaced(sub, visited, depth + 1) : null;
    if (found) return found;
  }
  return null;
}

interface Walk {
  budget: MemoryBudget | undefined;
  custom: CustomHeld;
  visited: Set<string>;
  /** The top-level layer, for messages. */
  top: string;
}

function kerasLayerArrays(
  group: H5Group,
  className: string,
  config: JsonObject,
  walk: Walk,
  depth: number,
): SavedArray[] {
  if (depth > 32) throw group.corrupt(`layer '${walk.top}' nests layers deeper than 32 levels`);
  walk.visited.add(`${group.path}/vars`);
  const out = ownVariables(group, walk.budget);
  const inner = subLayers(config);
  if (inner) {
    const container = group.sub('layers');
    const names = containerNames(className, inner);
    inner.forEach((l, i) => {
      const name = names[i];
      if (name === null) return;
      const g = container?.sub(name);
      if (!g)
        throw group.corrupt(
          `has no weights for layer '${layerName(l)}' of model '${walk.top}' (expected at '${group.path}/layers/${name}')`,
        );
      out.push(...kerasLayerArrays(g, l.class_name, l.config, walk, depth + 1));
    });
    return out;
  }
  const held = heldLayers(className, config, walk.custom);
  if (!held) throw group.corrupt(`layer '${walk.top}' (${className}) has no config for the layer it wraps`);
  for (const h of held) {
    const found = h.attributes.find((a) => group.has(a));
    const g = found === undefined ? null : group.sub(found);
    if (!g)
      throw group.corrupt(
        `has no weights for '${h.attributes[0]}' of layer '${walk.top}' (${className}; expected at '${group.path}/${h.attributes[0]}')`,
      );
    out.push(...kerasLayerArrays(g, h.className, h.config, walk, depth + 1));
  }
  return out;
}

function kerasLayout(
  root: H5Group,
  model: KerasModelConfig,
  budget: MemoryBudget | undefined,
  custom: CustomHeld,
): Map<string, SavedArray[]> {
  const container = root.sub('layers');
  if (!container)
    throw root.corrupt("holds neither Keras' `layers` group nor legacy `layer_names`: it is not a Keras weights file");
  const layers = model.config.layers;
  const names = containerNames(model.class_name, layers);
  const out = new Map<string, SavedArray[]>();
  layers.forEach((l, i) => {
    const name = names[i];
    const top = layerName(l);
    if (name === null) {
      if (!isOperation(l)) out.set(top, []);
      return;
    }
    const group = container.sub(name);
    if (!group)
      throw root.corrupt(`has no weights for layer '${top}' (${l.class_name}; Keras saves them at '/layers/${name}')`);
    const walk: Walk = { budget, custom, visited: new Set(), top };
    out.set(top, kerasLayerArrays(group, l.class_name, l.config, walk, 0));
    const stray = unplaced(group, walk.visited);
    if (stray)
      throw root.corrupt(
        `holds weights for layer '${top}' (${l.class_name}) at '${stray}', which MaskLens cannot place in the layer's get_weights() order`,
      );
  });
  return out;
}

function legacyLayout(
  group: H5Group,
  model: KerasModelConfig,
  budget: MemoryBudget | undefined,
): Map<string, SavedArray[]> {
  const listed = group.attrText('layer_names');
  const names = new Set(Array.isArray(listed) ? listed : listed === null ? [] : [listed]);
  const out = new Map<string, SavedArray[]>();
  for (const l of model.config.layers) {
    if (isOperation(l)) continue;
    const name = layerName(l);
    const g = names.has(name) ? group.sub(name) : null;
    if (!g) {
      if (l.class_name === 'InputLayer') {
        out.set(name, []);
        continue;
      }
      const sample = [...names]
        .slice(0, 8)
        .map((n) => `'${n}'`)
        .join(', ');
      throw group.corrupt(
        `has no weights for layer '${name}' (${l.class_name}); legacy HDF5 files name layers, and this one holds ${sample || 'none'}${names.size > 8 ? ', …' : ''}`,
      );
    }
    const weightNames = g.attrText('weight_names');
    const list = Array.isArray(weightNames) ? weightNames : weightNames === null ? [] : [weightNames];
    out.set(
      name,
      list.map((w) => toSaved(g.dataset(w, budget))),
    );
  }
  return out;
}

/** The root group that holds legacy `layer_names`: the file's own (`save_weights`) or `model_weights` (`model.save`). */
export function legacyWeightsGroup(root: H5Group): H5Group | null {
  if (root.attrText('layer_names') !== null) return root;
  const mw = root.sub('model_weights');
  return mw && mw.attrText('layer_names') !== null ? mw : null;
}

/** `custom`: the layers the model's custom layer classes hold, as the reader found them (keyed by layer name). */
export function savedWeightsFor(
  root: H5Group,
  model: KerasModelConfig,
  budget?: MemoryBudget,
  custom: CustomHeld = {},
): SavedWeights {
  if (!MODEL_CLASSES.has(model.class_name) && !subLayers(model.config)) {
    throw root.corrupt(
      `model '${model.config.name}' is a subclass (${model.class_name}), whose saved weights Keras names by its attributes; MaskLens reads saved weights of Sequential and functional models`,
    );
  }
  const legacy = legacyWeightsGroup(root);
  if (legacy) return { layout: 'legacy-h5', layers: legacyLayout(legacy, model, budget) };
  return { layout: 'keras', layers: kerasLayout(root, model, budget, custom) };
}
