/**
 * A Keras model config (Keras 3 `to_json()` or tf-keras 2, Sequential, Functional or a traced
 * subclass, models nested as layers) as one ModelGraph. Both formats and every model kind end
 * up here, so the analysis and the runtime share a single way to read a model.
 */
import type { JsonObject, JsonValue, KerasLayerConfig, KerasModelConfig } from '../ir';
import { isModelConfig } from '../modelChoice';
import { UserFacingError } from '../protocol/task';
import type { CallArg, LayerSpec, ModelGraph, ModelInput, NodeSpec, Shape, TensorRef } from './modelGraph';
import { kerasRunOrder, type PendingNode } from './runOrder';

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shapeOf(v: JsonValue | undefined): Shape | null {
  if (!Array.isArray(v)) return null;
  if (!v.every((d) => d === null || typeof d === 'number')) return null;
  return v as Shape;
}

/** Keras 3 functional configs record tensor operations from these modules as nodes. */
export function isOpModule(module: string): boolean {
  return module.startsWith('keras.src.ops') || module.startsWith('keras.ops');
}

/**
 * A layer config that is a whole model: a Sequential or Functional, or a subclassed model as
 * the reader writes it (its layers listed, traced or in `__init__` order).
 */
export function isNestedModel(className: string, module: string, config: JsonObject): boolean {
  if (!Array.isArray(config.layers)) return false;
  return isModelConfig(className, config) || config.input_layers !== undefined || module === '__main__';
}

/** The graph of a layer config that is a whole model (`isNestedModel`), which lists its layers. */
export function nestedModelGraph(className: string, module: string, config: JsonObject): ModelGraph {
  return buildGraph({ module, class_name: className, config: config as KerasModelConfig['config'] });
}

function layerSpec(l: KerasLayerConfig): LayerSpec {
  const name = (typeof l.config.name === 'string' ? l.config.name : undefined) ?? l.name;
  if (!name) throw new UserFacingError(`a ${l.class_name} layer in the config has no name`, 'model-config');
  const module = l.module ?? 'keras.layers';
  if (l.class_name === 'InputLayer')
    return { name, className: l.class_name, module, config: l.config, kind: 'input', nested: null };
  if (isOpModule(module)) return { name, className: l.class_name, module, config: l.config, kind: 'op', nested: null };
  if (isNestedModel(l.class_name, module, l.config)) {
    const nested = nestedModelGraph(l.class_name, module, l.config);
    return { name, className: l.class_name, module, config: l.config, kind: 'model', nested };
  }
  return { name, className: l.class_name, module, config: l.config, kind: 'layer', nested: null };
}

function inputFromLayer(l: KerasLayerConfig): ModelInput {
  const c = l.config;
  const batchShape =
    shapeOf(c.batch_shape) ??
    shapeOf(c.batch_input_shape) ??
    (shapeOf(c.shape) ? [null, ...(shapeOf(c.shape) as Shape)] : null);
  return { name: String(c.name ?? l.name), batchShape, dtype: typeof c.dtype === 'string' ? c.dtype : 'float32' };
}

/** Where a Sequential model without an InputLayer declares its input shape. */
function sequentialInputShape(config: KerasModelConfig['config'], first: KerasLayerConfig | undefined): Shape | null {
  const fromFirst = first ? (shapeOf(first.config.batch_input_shape) ?? shapeOf(first.config.batch_shape)) : null;
  if (fromFirst) return fromFirst;
  if (first && shapeOf(first.config.input_shape)) return [null, ...(shapeOf(first.config.input_shape) as Shape)];
  const build = shapeOf(config.build_input_shape);
  if (build) return build;
  const bc = first?.build_config?.input_shape;
  return shapeOf(bc);
}

function addLayer(specs: Map<string, LayerSpec>, spec: LayerSpec): void {
  if (specs.has(spec.name)) throw new UserFacingError(`two layers are named '${spec.name}'`, 'model-config', spec.name);
  specs.set(spec.name, spec);
}

/** Layers called one after the other: a Sequential, or the `__init__`-order guess for an untraced subclass. */
function chainGraph(model: KerasModelConfig, connections: 'config' | 'init-order'): ModelGraph {
  const config = model.config;
  const layers = config.layers;
  const specs = new Map<string, LayerSpec>();
  let input: ModelInput;
  let rest: KerasLayerConfig[];
  if (layers[0]?.class_name === 'InputLayer') {
    input = inputFromLayer(layers[0]);
    addLayer(specs, layerSpec(layers[0]));
    rest = layers.slice(1);
  } else {
    const batchShape = connections === 'config' ? sequentialInputShape(config, layers[0]) : null;
    const dtype =
      typeof layers[0]?.config.dtype === 'string' && layers[0].class_name !== 'Embedding'
        ? (layers[0].config.dtype as string)
        : 'float32';
    input = { name: `${config.name}_input`, batchShape, dtype };
    rest = layers;
  }
  const inputRef: TensorRef = { layer: input.name, node: 0, index: 0 };
  let prev = inputRef;
  const nodes: NodeSpec[] = [];
  for (const l of rest) {
    const spec = layerSpec(l);
    addLayer(specs, spec);
    nodes.push({
      id: `${spec.name}#0`,
      layer: spec.name,
      nodeIndex: 0,
      args: [{ kind: 'tensor', ref: prev }],
      inputs: [prev],
      inputIsList: false,
      firstArgCount: 1,
      maskArg: null,
      tensorArguments: 1,
      kwargs: {},
    });
    prev = { layer: spec.name, node: 0, index: 0 };
  }
  return {
    name: config.name,
    className: model.class_name,
    layers: specs,
    inputs: [input],
    inputRefs: [inputRef],
    nodes,
    outputs: [prev],
    connections,
  };
}

/** Keras 3: `{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, index]}}`. */
function parseKeras3Arg(v: JsonValue): CallArg {
  if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config)) {
    const h = v.config.keras_history;
    if (Array.isArray(h) && typeof h[0] === 'string')
      return { kind: 'tensor', ref: { layer: h[0], node: Number(h[1] ?? 0), index: Number(h[2] ?? 0) } };
  }
  if (Array.isArray(v) && v.some((x) => isObject(x) && x.class_name === '__keras_tensor__'))
    return { kind: 'list', items: v.map(parseKeras3Arg) };
  return { kind: 'const', value: v };
}

function tensorsOf(arg: CallArg | undefined): TensorRef[] {
  if (!arg) return [];
  if (arg.kind === 'tensor') return [arg.ref];
  if (arg.kind === 'list') return arg.items.flatMap(tensorsOf);
  return [];
}

/**
 * tf-keras 2: `[["layer", node, index, {kwargs}], ...]` per node; a layer that keeps its
 * call's structure (TFOpLambda) writes one call as the bare `["layer", node, index, {kwargs}]`.
 */
function parseTfKerasNode(node: JsonValue[]): { args: CallArg[]; kwargs: Record<string, JsonValue> } {
  if (typeof node[0] === 'string' && typeof node[1] === 'number') return parseTfKerasNode([node]);
  const refs: CallArg[] = [];
  let kwargs: Record<string, JsonValue> = {};
  for (const item of node) {
    if (Array.isArray(item) && typeof item[0] === 'string') {
      refs.push({ kind: 'tensor', ref: { layer: item[0], node: Number(item[1] ?? 0), index: Number(item[2] ?? 0) } });
      if (isObject(item[3])) kwargs = { ...kwargs, ...item[3] };
    }
  }
  return { args: [refs.length === 1 ? refs[0] : { kind: 'list', items: refs }], kwargs };
}

/** Tensors passed by keyword: Keras 3 `__keras_tensor__` objects or tf-keras `[layer, node, index]` lists. */
function kwargRefs(v: JsonValue): TensorRef[] {
  const keras3 = tensorsOf(parseKeras3Arg(v));
  if (keras3.length > 0) return keras3;
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number')
    return [{ layer: v[0], node: v[1], index: Number(v[2] ?? 0) }];
  return [];
}

function refList(v: JsonValue | undefined): TensorRef[] {
  // Inputs given as a dict: Keras flattens it in sorted key order (model.inputs).
  if (isObject(v))
    return Object.keys(v)
      .sort()
      .flatMap((k) => refList(v[k]));
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [{ layer: v[0], node: Number(v[1] ?? 0), index: Number(v[2] ?? 0) }];
  return v.flatMap((x) => refList(x));
}

/**
 * tf-keras 2 numbers the calls of a nested model that starts with an InputLayer from 1: its
 * node 0 is the one made when it was built on that Input (tf_keras functional.py
 * `_should_skip_first_node`). Keras 3 configs count calls from 0. Which one a config uses
 * shows in the references: a nested model called N times referenced as node N counts from 1.
 */
function skipsFirstNode(l: KerasLayerConfig, config: JsonObject): boolean {
  if (!isModelConfig(l.class_name, l.config)) return false;
  const calls = l.inbound_nodes?.length ?? 0;
  if (calls === 0) return false;
  const text = JSON.stringify([config.layers, config.output_layers]);
  const name = JSON.stringify(l.config.name);
  return text.includes(`[${name},${calls},`) && !text.includes(`[${name},0,`);
}

/** What layers' `call` names its first argument (Keras: `inputs`, attention: `query`, keras_hub's decoder: `decoder_sequence`). */
export const FIRST_ARGUMENT_NAMES = ['inputs', 'query', 'decoder_sequence'];

function nodeSpec(spec: LayerSpec, raw: JsonValue, nodeIndex: number): PendingNode {
  let args: CallArg[];
  let given: Record<string, JsonValue>;
  if (isObject(raw)) {
    args = (Array.isArray(raw.args) ? raw.args : []).map(parseKeras3Arg);
    given = isObject(raw.kwargs) ? raw.kwargs : {};
  } else if (Array.isArray(raw)) {
    ({ args, kwargs: given } = parseTfKerasNode(raw));
  } else {
    throw new UserFacingError(`layer '${spec.name}' has an unreadable inbound node`, 'model-config', spec.name);
  }
  const byName =
    args.length === 0 ? FIRST_ARGUMENT_NAMES.find((k) => given[k] !== undefined && given[k] !== null) : undefined;
  if (byName) {
    // `layer(inputs=x)`: Keras' first argument, given by name.
    const { [byName]: first, ...rest } = given;
    args = [parseKeras3Arg(first ?? null)];
    given = rest;
  }
  const inputIsList = args[0]?.kind === 'list';
  const firstArgCount = tensorsOf(args[0]).length;
  const inputs = inputIsList ? tensorsOf(args[0]) : args.flatMap(tensorsOf);
  const dependsOn = args.flatMap(tensorsOf);
  // Tensors passed by keyword: `mask=` (Keras 3 records the propagated mask so), attention's
  // `value=` / `key=` and an RNN's `initial_state=`, which join the inputs after the first
  // argument (as tf-keras 2 lists an RNN's initial states); the rest stay keyword arguments.
  const kwargs: Record<string, JsonValue> = {};
  const byKeyword: Record<string, TensorRef[]> = {};
  let maskArg: TensorRef[] | null = null;
  let tensorArguments = args.filter((a) => tensorsOf(a).length > 0).length;
  for (const key of Object.keys(given).sort()) {
    const value = given[key];
    const refs = kwargRefs(value);
    dependsOn.push(...refs);
    if (key !== 'mask' && refs.length > 0) tensorArguments++;
    if (key === 'mask' && value !== null) maskArg = refs.length > 0 ? refs : null;
    else if ((key === 'value' || key === 'key' || key === 'initial_state') && refs.length > 0) byKeyword[key] = refs;
    else kwargs[key] = value;
  }
  inputs.push(...(byKeyword.value ?? []), ...(byKeyword.key ?? []), ...(byKeyword.initial_state ?? []));
  return {
    node: {
      id: `${spec.name}#${nodeIndex}`,
      layer: spec.name,
      nodeIndex,
      args,
      inputs,
      inputIsList,
      firstArgCount,
      maskArg,
      tensorArguments,
      kwargs,
    },
    dependsOn,
  };
}

function functionalGraph(model: KerasModelConfig): ModelGraph {
  const config = model.config;
  const specs = new Map<string, LayerSpec>();
  const inputs: ModelInput[] = [];
  const pending: PendingNode[] = [];
  for (const l of config.layers) {
    const spec = layerSpec(l);
    specs.set(spec.name, spec);
    if (spec.kind === 'input') {
      inputs.push(inputFromLayer(l));
      continue;
    }
    const firstNode = skipsFirstNode(l, config) ? 1 : 0;
    (l.inbound_nodes ?? []).forEach((raw, position) => pending.push(nodeSpec(spec, raw, position + firstNode)));
  }
  const inputRefs = refList(config.input_layers);
  const outputs = refList(config.output_layers);
  if (inputRefs.length === 0 || outputs.length === 0)
    return {
      name: config.name,
      className: model.class_name,
      layers: specs,
      inputs,
      inputRefs,
      nodes: [],
      outputs,
      connections: 'missing',
    };
  // Data arrives in `input_layers` order, which need not be the order the InputLayers are listed in.
  const declared = new Map(inputs.map((i) => [i.name, i]));
  const ordered = inputRefs.map((r) => declared.get(r.layer));
  if (ordered.every((i): i is ModelInput => i !== undefined) && ordered.length === inputs.length)
    inputs.splice(0, inputs.length, ...ordered);
  const nodes = kerasRunOrder(config.name, pending, new Set(inputs.map((i) => i.name)), outputs);
  return {
    name: config.name,
    className: model.class_name,
    layers: specs,
    inputs,
    inputRefs,
    nodes,
    outputs,
    connections: 'config',
  };
}

/** The graph of any model config; throws a UserFacingError only for configs no reading can make sense of. */
export function buildGraph(model: KerasModelConfig): ModelGraph {
  if (model.class_name === 'Sequential') return chainGraph(model, 'config');
  if (model.class_name === 'Functional' || model.class_name === 'Model') return functionalGraph(model);
  // A subclassed model whose call() MaskLens traced: the reader writes the traced graph in
  // the functional form (Keras' own to_json of a subclassed model has no layers).
  const c = model.config as { layers?: unknown; input_layers?: unknown; output_layers?: unknown };
  if (Array.isArray(c.layers) && c.input_layers && c.output_layers) return functionalGraph(model);
  if (Array.isArray(c.layers)) return chainGraph(model, 'init-order');
  throw untraceable(model.class_name);
}

function untraceable(className: string): UserFacingError {
  return new UserFacingError(
    `model class '${className}' cannot be rebuilt from its config (a subclassed model whose call() MaskLens could not trace); supported: Sequential, Functional, traced subclassed models`,
    'model-config',
  );
}

/** A graph the runtime can execute: every input has a shape. */
export interface RunnableGraph extends ModelGraph {
  inputs: (ModelInput & { batchShape: Shape })[];
}

/** Known connections, nested models included: what the runtime needs before it knows the data. */
export function assertConnected(graph: ModelGraph): void {
  if (graph.connections === 'init-order') throw untraceable(graph.className);
  if (graph.connections === 'missing')
    throw new UserFacingError(`functional model '${graph.name}' lists no inputs or outputs`, 'model-config');
  for (const spec of graph.layers.values()) if (spec.nested) assertConnected(spec.nested);
}

/**
 * A model used as a layer, as it is built when first called: inputs whose shape its config
 * leaves open take the shapes it is called with (Keras builds a Sequential held by a layer so).
 */
export function withInputShapes(graph: ModelGraph, shapes: Shape[]): ModelGraph {
  return {
    ...graph,
    inputs: graph.inputs.map((input, i) => (input.batchShape ? input : { ...input, batchShape: shapes[i] ?? null })),
  };
}

/**
 * What the runtime needs beyond a graph the analysis can read: known connections, nested
 * models included, and input shapes — but for a nested model, which is built on the tensors
 * the outer model calls it on (as Keras builds it). An input shape the config leaves open is
 * filled from the data first (graph/complete.ts).
 */
export function assertRunnable(graph: ModelGraph, nested = false): asserts graph is RunnableGraph {
  assertConnected(graph);
  for (const input of graph.inputs) {
    if (input.batchShape || nested) continue;
    if (graph.className === 'Sequential' && !graph.layers.has(input.name)) {
      throw new UserFacingError(
        `model '${graph.name}' does not declare its input shape; add keras.Input(shape=...) (or input_shape= on the first layer), or choose data files to run it on`,
        'model-input-shape',
      );
    }
    if (graph.className !== 'Sequential' && graph.className !== 'Functional' && graph.className !== 'Model') {
      // A subclassed model is built on the first data it meets; nothing in the source fixes it.
      throw new UserFacingError(
        `model '${graph.name}' (a ${graph.className}) is built on the data it first meets, and no data fixes the shape of its input '${input.name}'; choose data files to run it on`,
        'model-input-shape',
        input.name,
      );
    }
    throw new UserFacingError(`input layer '${input.name}' has no shape`, 'model-config', input.name);
  }
}
