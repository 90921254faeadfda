/**
 * What the runtime needs that a config read from source may leave open, filled from what is
 * certain, or named when nothing is:
 *
 * - an input shape a model does not declare (a Sequential without an input, a subclass built
 *   on its first data): the data it runs on decides, as Keras builds the model on the data it
 *   first meets; without data, the shape its source states (`input_length=`, the arrays
 *   `fit` is given, an Embedding's token ids);
 * - a size the source computes from data (`Embedding(len(tokenizer.word_index) + 1, ...)`,
 *   `RepeatVector(timesteps)`): the weights given for the layer fix it, and so does the data
 *   where the source uses the same name for an input's axis (`Input(shape=(timesteps, f))`);
 *   otherwise one message names the dimension to supply, under the key the unresolved-shape
 *   diagnostic uses.
 */
import type { JsonObject, JsonValue, StatedInputShape } from '../ir';
import { layerEntry } from '../layers/index';
import { UserFacingError } from '../protocol/task';
import type { ModelGraph, Shape } from './modelGraph';

/**
 * A size the source leaves open, and the name the user supplies it under: a layer's config
 * option (`input_dim`), or axis `axis` (batch first) of an input's shape (`option: 'shape'`).
 */
export interface OpenOption {
  key: string;
  layer: string;
  option: string;
  axis?: number;
}

export interface Completion {
  open: OpenOption[];
  /** Weight shapes per layer name, in Keras `get_weights()` order. */
  weights: ReadonlyMap<string, readonly { shape: readonly number[] }[]> | null;
  /** Each input's data shape (batch first), when the model runs on given data. */
  dataShapes: number[][] | null;
  stated: StatedInputShape[];
  /** Values the user supplied, by the names the diagnostics give them. */
  dimensions?: Readonly<Record<string, number>>;
}

/** Layers without weights: a nested model's weights for a layer after only these start at its first. */
const WEIGHTLESS = new Set([
  'InputLayer',
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'GaussianNoise',
  'Masking',
  'Activation',
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Lambda',
]);

const formatShape = (shape: Shape): string =>
  `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;

interface FoundLayer {
  config: JsonObject;
  className: string;
  /** The layer whose weight list holds this layer's weights (a wrapper, a nested model), and where they start in it (null: not known). */
  holder: string;
  offset: number | null;
  wrapped: string | null;
  /** A Bidirectional's backward layer: a copy of the wrapped layer's config that takes the same sizes. */
  backward?: JsonObject;
}

const objectConfig = (v: JsonValue | undefined): JsonObject | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? v : null;

/** A layer config by name: a layer of the graph, of a nested model, or the layer a wrapper holds. */
function findLayer(graph: ModelGraph, name: string, depth = 0): FoundLayer | null {
  if (depth > 16) return null;
  for (const spec of graph.layers.values()) {
    if (spec.name === name)
      return { config: spec.config, className: spec.className, holder: spec.name, offset: 0, wrapped: null };
    const inner = objectConfig(spec.config.layer);
    if (inner && typeof inner.class_name === 'string') {
      const c = objectConfig(inner.config);
      // Bidirectional renames the layer it wraps `forward_<name>` (and its copy `backward_<name>`).
      if (c && (c.name === name || (spec.className === 'Bidirectional' && c.name === `forward_${name}`))) {
        const backward =
          spec.className === 'Bidirectional' ? objectConfig(objectConfig(spec.config.backward_layer)?.config) : null;
        return {
          config: c,
          className: inner.class_name,
          holder: spec.name,
          offset: 0,
          wrapped: spec.className,
          ...(backward ? { backward } : {}),
        };
      }
    }
    if (spec.nested) {
      const hit = findLayer(spec.nested, name, depth + 1);
      if (!hit) continue;
      const before = [...spec.nested.layers.values()];
      const at = before.findIndex((l) => l.name === hit.holder);
      const startsFirst = hit.offset === 0 && before.slice(0, at).every((l) => WEIGHTLESS.has(l.className));
      return { ...hit, holder: spec.name, offset: startsFirst ? 0 : null };
    }
  }
  return null;
}

/** Whether Keras needs the option to build the layer (no default to fall back on: a size). */
function required(className: string, option: string): boolean {
  const defaults = layerEntry(className)?.signature.defaults();
  return defaults !== undefined && option in defaults && defaults[option] === null;
}

/** The input an open input axis belongs to: an InputLayer by name, or the implicit input of a Sequential whose first layer declared it. */
function inputIndex(graph: ModelGraph, o: OpenOption): number {
  const byName = graph.inputs.findIndex((i) => i.name === o.layer);
  if (byName >= 0) return byName;
  const first = graph.nodes[0];
  return graph.className === 'Sequential' && first?.layer === o.layer ? 0 : -1;
}

/**
 * Fills undeclared input shapes (data first, else the first stated shape), then each open
 * size from the weights given for its layer or from the data where an input axis carries the
 * same name; refuses, naming the dimension to supply, when a size Keras needs stays open.
 * Returns a note for each value it filled.
 */
export function completeGraph(graph: ModelGraph, c: Completion): string[] {
  const notes: string[] = [];
  graph.inputs.forEach((input, i) => {
    if (input.batchShape) return;
    const data = c.dataShapes?.[i];
    if (data && data.length >= 1) {
      input.batchShape = [null, ...data.slice(1)];
      notes.push(
        `model '${graph.name}' declares no input shape; it is built on the data, as Keras builds it: ${formatShape(input.batchShape)}`,
      );
      return;
    }
    const source = graph.inputs.length === 1 ? c.stated[0] : undefined;
    if (source) {
      input.batchShape = [...source.shape];
      notes.push(
        `model '${graph.name}' declares no input shape; MaskLens takes ${formatShape(input.batchShape)} from ${source.from}`,
      );
    }
  });

  // The data fixes every name the source gives an input's axis; without data, a value supplied
  // for it does, and a feature axis left open is named (synthetic data needs its size).
  const bound = new Map<string, number>();
  for (const o of c.open) {
    if (o.option !== 'shape' || o.axis === undefined) continue;
    const at = inputIndex(graph, o);
    const input = graph.inputs[at];
    const size = at >= 0 ? (c.dataShapes?.[at]?.[o.axis] ?? c.dimensions?.[o.key]) : undefined;
    if (size !== undefined && !bound.has(o.key)) bound.set(o.key, size);
    if (c.dataShapes || !input?.batchShape || input.batchShape[o.axis] !== null) continue;
    if (size !== undefined) input.batchShape[o.axis] = size;
    else if (o.axis >= 2) {
      throw new UserFacingError(
        `input '${input.name}': axis ${o.axis} is \`${o.key}\`, which the source computes from data MaskLens does not read, so synthetic data cannot be made; give its value (--dim "${o.key}=N", or masklens.unresolvedDimensions in VS Code), or choose data files`,
        'model-dimension',
        o.key,
      );
    }
  }

  for (const o of c.open) {
    if (o.option === 'shape') continue;
    const found = findLayer(graph, o.layer);
    if (!found || found.config[o.option] !== null) continue;
    const given = found.offset === null ? undefined : c.weights?.get(found.holder)?.slice(found.offset);
    // A Bidirectional holds the forward layer's weights first, then the backward one's.
    const own = given && found.wrapped === 'Bidirectional' ? given.slice(0, given.length / 2) : given;
    const fromWeights =
      own && own.length > 0
        ? layerEntry(found.className)?.sizesFromWeights?.(own.map((w) => [...w.shape]))[o.option]
        : undefined;
    const supplied = c.dimensions?.[o.key];
    const size = fromWeights ?? supplied ?? bound.get(o.key);
    if (size !== undefined) {
      found.config[o.option] = size;
      if (found.backward && found.backward[o.option] === null) found.backward[o.option] = size;
      const why =
        fromWeights !== undefined
          ? 'from the shapes of the weights given for it'
          : supplied !== undefined
            ? 'as supplied'
            : 'from the data';
      notes.push(
        `${found.className} '${o.layer}': ${o.option} = ${size}, ${why} (the source computes it as \`${o.key}\`)`,
      );
      continue;
    }
    if (!required(found.className, o.option)) continue;
    throw new UserFacingError(
      `${found.className} '${o.layer}': its ${o.option} is \`${o.key}\`, which the source computes from data MaskLens does not read; give its value (--dim "${o.key}=N", or masklens.unresolvedDimensions in VS Code), or choose data files or weights that fix it`,
      'model-dimension',
      o.key,
    );
  }
  return notes;
}
