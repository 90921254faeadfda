/**
 * What a model will hold before the runtime builds any of it: each layer's weight count (its
 * entry's rule, counted as Keras' `count_params()`) and the values of every layer output per
 * sample, from shapes carried through the model graph by the entries' shape rules. Nothing
 * here allocates more than a few numbers per layer, so a model of 10**15 weights costs the
 * same to judge as one of ten.
 */
import type { JsonObject, JsonValue, LambdaIR } from '../ir';
import type { ModelGraph } from '../graph/modelGraph';
import { refKey } from '../graph/modelGraph';
import { isNestedModel, nestedModelGraph, withInputShapes } from '../graph/fromConfig';
import { UserFacingError } from '../protocol/task';
import type { CostCall, Shape } from '../layers/entry';
import { CLASS_ALIASES, layerEntry } from '../layers/index';
import { product } from '../layers/weightCounts';

export interface LayerCost {
  name: string;
  className: string;
  config: JsonObject;
  /** Values of the layer's weights (counted once, however often it is called); null when a needed shape is unknown. */
  params: number | null;
  /** Values of the layer's outputs per sample, over all its calls (outputs of unknown shape count nothing). */
  outputsPerSample: number;
  /** Values per sample its calls hold besides their outputs while they run (gates, attention scores). */
  workingPerSample: number;
}

export interface ModelCost {
  /** Every layer that computes something, nested models' own layers included, in run order. */
  layers: LayerCost[];
  /** Weight values of the whole model (layers whose count is unknown count nothing). */
  params: number;
  /** The largest single layer's weight values. */
  largestParams: number;
  /** Values of every layer output per sample in one forward pass. */
  outputsPerSample: number;
  /** Values per sample layers hold besides their outputs in one forward pass. */
  workingPerSample: number;
  /** The model outputs' shapes, batch first (null where unknown). */
  outputs: (Shape | null)[];
  /** A held model whose config could not be read: nothing about its cost is known. */
  unknown?: boolean;
}

const entryOf = (className: string) => layerEntry(CLASS_ALIASES[className] ?? className);

function perSample(shape: Shape | null): number {
  if (!shape) return 0;
  const rest = shape.slice(1);
  return rest.every((d): d is number => typeof d === 'number') ? product(rest) : 0;
}

/** A whole model a wrapper holds (`TimeDistributed(encoder)`): its own layers' cost on these inputs; null for a layer. */
function heldModelCost(layer: { className: string; config: JsonObject }, inputs: (Shape | null)[]): ModelCost | null {
  if (!isNestedModel(layer.className, '', layer.config)) return null;
  try {
    const graph = nestedModelGraph(layer.className, '', layer.config);
    // The graph's shapes hold numbers or None; a size the source left open is None there.
    const known = inputs.flatMap((shape) => (shape ? [shape.map((d) => (typeof d === 'number' ? d : null))] : []));
    return modelCost(known.length === inputs.length ? withInputShapes(graph, known) : graph, {}, inputs);
  } catch (error) {
    // A held config the graph cannot read costs what is unknown, as an unknown class does.
    if (error instanceof UserFacingError)
      return {
        layers: [],
        params: 0,
        largestParams: 0,
        outputsPerSample: 0,
        workingPerSample: 0,
        outputs: [null],
        unknown: true,
      };
    throw error;
  }
}

/** A held layer's weight count (a wrapper asks for it); null for a class MaskLens does not know. */
function paramsOf(layer: { className: string; config: JsonObject }, inputs: (Shape | null)[]): number | null {
  const held = heldModelCost(layer, inputs);
  if (held) return held.unknown || held.layers.some((l) => l.params === null) ? null : held.params;
  const entry = entryOf(layer.className);
  if (!entry) return null;
  if (!entry.params) return 0;
  return entry.params(callOf(layer.config, inputs, null, new Map()));
}

/** A held layer's working values per sample. */
function workingOf(layer: { className: string; config: JsonObject }, inputs: (Shape | null)[]): number | null {
  const held = heldModelCost(layer, inputs);
  if (held) return held.unknown ? null : held.workingPerSample + held.outputsPerSample;
  const entry = entryOf(layer.className);
  if (!entry) return null;
  return entry.working ? entry.working(callOf(layer.config, inputs, null, new Map())) : 0;
}

function callOf(
  config: JsonObject,
  inputs: (Shape | null)[],
  lambda: LambdaIR | null,
  kwargs: ReadonlyMap<string, JsonValue | undefined>,
): CostCall {
  const held = config.layer;
  const inner =
    held && typeof held === 'object' && !Array.isArray(held) && typeof held.class_name === 'string'
      ? { className: held.class_name, config: (held.config ?? {}) as JsonObject }
      : null;
  const innerShape = inner
    ? (innerInputs: (Shape | null)[]) => {
        const held = heldModelCost(inner, innerInputs);
        if (held) return held.outputs[0] ?? null;
        return entryOf(inner.className)?.shape(callOf(inner.config, innerInputs, null, new Map())) ?? null;
      }
    : null;
  return { config, inputs, lambda, innerShape, kwargs, paramsOf, workingOf };
}

interface Walk {
  layers: LayerCost[];
  /** By layer spec: a shared layer's weights are counted once, its outputs at every call. */
  byLayer: Map<object, LayerCost>;
  lambdas: Record<string, LambdaIR>;
}

function walk(graph: ModelGraph, inputShapes: (Shape | null)[], w: Walk): (Shape | null)[] {
  const shapes = new Map<string, Shape | null>();
  graph.inputRefs.forEach((r, i) => shapes.set(refKey(r), inputShapes[i] ?? null));
  for (const node of graph.nodes) {
    const spec = graph.layers.get(node.layer);
    if (!spec) continue;
    const ins = node.inputs.map((r) => shapes.get(refKey(r)) ?? null);
    let outs: (Shape | null)[];
    if (spec.nested) {
      outs = walk(spec.nested, ins, w);
    } else if (spec.kind === 'op') {
      // A Keras op recorded in the graph (a mask comparison, a slice): about its first input's size.
      outs = [ins[0] ? [...ins[0]] : null];
    } else {
      const entry = entryOf(spec.className);
      const call = callOf(spec.config, ins, w.lambdas[spec.name] ?? null, new Map(Object.entries(node.kwargs)));
      outs = entry ? [entry.shape(call), ...(entry.extraOutputs?.(call) ?? [])] : [null];
      let cost = w.byLayer.get(spec);
      if (!cost) {
        cost = {
          name: spec.name,
          className: spec.className,
          config: spec.config,
          params: entry ? (entry.params ? entry.params(call) : 0) : null,
          outputsPerSample: 0,
          workingPerSample: 0,
        };
        w.byLayer.set(spec, cost);
        w.layers.push(cost);
      }
      cost.outputsPerSample += outs.reduce((a, s) => a + perSample(s), 0);
      cost.workingPerSample += entry?.working?.(call) ?? 0;
    }
    outs.forEach((s, index) => shapes.set(refKey({ layer: node.layer, node: node.nodeIndex, index }), s));
  }
  return graph.outputs.map((r) => shapes.get(refKey(r)) ?? null);
}

/**
 * The cost of a model on inputs of these shapes (batch first; default: the shapes its
 * inputs declare, open dimensions unknown).
 */
export function modelCost(
  graph: ModelGraph,
  lambdas: Record<string, LambdaIR> = {},
  inputShapes?: (Shape | null)[],
): ModelCost {
  const w: Walk = { layers: [], byLayer: new Map(), lambdas };
  const outputs = walk(graph, inputShapes ?? graph.inputs.map((i) => i.batchShape), w);
  return {
    layers: w.layers,
    params: w.layers.reduce((a, l) => a + (l.params ?? 0), 0),
    largestParams: w.layers.reduce((a, l) => Math.max(a, l.params ?? 0), 0),
    outputsPerSample: w.layers.reduce((a, l) => a + l.outputsPerSample, 0),
    workingPerSample: w.layers.reduce((a, l) => a + l.workingPerSample, 0),
    outputs,
  };
}

/** A number as a reader of Python writes it: exact powers of ten from a million up as `10**k`. */
function pythonNumber(n: number): string {
  if (Number.isInteger(n) && n >= 1e6) {
    const k = Math.round(Math.log10(n));
    if (10 ** k === n) return `10**${k}`;
  }
  return String(n);
}

function pythonValue(v: JsonValue, depth: number): string {
  if (v === null) return 'None';
  if (typeof v === 'number') return pythonNumber(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v.length > 24 ? `${v.slice(0, 23)}…` : v}'`;
  if (Array.isArray(v))
    return v.length === 1 && typeof v[0] === 'number'
      ? pythonNumber(v[0])
      : `[${v
          .slice(0, 4)
          .map((x) => pythonValue(x, depth + 1))
          .join(', ')}${v.length > 4 ? ', …' : ''}]`;
  if (typeof v.class_name === 'string' && depth < 2)
    return layerCallText(v.class_name, (v.config ?? {}) as JsonObject, depth + 1);
  return '{…}';
}

/**
 * A layer as its constructor call reads, with the arguments that size it: the leading
 * parameters Keras requires (`Dense(10**8)`, `Embedding(10**9, 10**6)`, `Bidirectional(LSTM(512))`).
 */
export function layerCallText(className: string, config: JsonObject, depth = 0): string {
  const entry = entryOf(className);
  if (!entry) return `${className}(…)`;
  const defaults = entry.signature.defaults();
  const args: string[] = [];
  for (const p of entry.signature.params) {
    const given = config[p];
    if ((defaults[p] ?? null) !== null || given === undefined || given === null) break;
    args.push(pythonValue(given, depth));
  }
  return `${className}(${args.join(', ')})`;
}
