/**
 * Keras' `get_config()` of a model, written from the objects the interpreter built:
 * Sequential (layers in order, built when an input is known), Functional (Keras 3's
 * `Functional.get_config`: layers in `map_graph` order, each layer's nodes re-indexed to the
 * nodes inside this model, tensors as `__keras_tensor__` with their `keras_history`), a
 * traced subclass written like a Functional, and an untraced one as its layers.
 */
import type { JsonObject, JsonValue, KerasFamily } from '../ir';
import { dtypePolicy } from '../layers/kerasObjects';
import { mapGraph, type Graph } from '../keras/functional';
import { serialiseLayer } from '../keras/layers';
import {
  shapeToJson,
  type ArgTree,
  type LayerObj,
  type ModelObj,
  type TensorObj,
  type TensorTree,
} from '../objects/modelObjects';

export function modelConfig(model: ModelObj): JsonObject {
  if (model.kind === 'sequential') return sequentialConfig(model);
  if (model.kind === 'functional') return functionalConfig(model);
  if (model.subclass?.traced) return functionalConfig(model, model.className);
  const layers = (model.subclass?.attrs ?? []).map(([, layer]) =>
    layer.model ? modelConfig(layer.model) : layerEntry(layer, layer.config),
  );
  return {
    module: model.module,
    class_name: model.className,
    config: { name: model.name, trainable: true, layers },
    registered_name: model.className,
  };
}

/** What building a layer changes in its config (the model knows its input shape). */
function builtConfig(layer: LayerObj, family: KerasFamily): JsonObject {
  const c = layer.config;
  if (family !== 'keras3') return c; // tf.keras writes its own (positive-axis) forms; keep the source's
  if (layer.className === 'LayerNormalization' && typeof c.axis === 'number') return { ...c, axis: [c.axis] };
  return c;
}

/**
 * A layer's entry; a wrapper around a whole model (`TimeDistributed(sentence_encoder)`) holds
 * that model's full config, as Keras writes it, so the model can be rebuilt and run.
 */
function layerEntry(layer: LayerObj, config: JsonObject): JsonObject {
  const held = layer.inner?.model;
  if (!held || held === layer.model || config.layer === undefined) return serialiseLayer(layer, config);
  return serialiseLayer(layer, { ...config, layer: modelConfig(held) });
}

function sequentialConfig(model: ModelObj): JsonObject {
  const built = model.layers[0]?.className === 'InputLayer';
  const layers: JsonValue[] = model.layers.map((layer) =>
    layer.model ? modelConfig(layer.model) : layerEntry(layer, built ? builtConfig(layer, model.family) : layer.config),
  );
  const config: JsonObject = { name: model.name, trainable: true, dtype: dtypePolicy('float32'), layers };
  const first = model.layers[0];
  if (first?.className === 'InputLayer') {
    const shape = first.nodes[0]?.outputs[0]?.shape;
    if (shape) config.build_input_shape = shapeToJson(shape);
  }
  return { module: 'keras', class_name: 'Sequential', config, registered_name: null };
}

function tensorJson(t: TensorObj, graph: Graph): JsonValue {
  return {
    class_name: '__keras_tensor__',
    config: {
      shape: t.shape ? shapeToJson(t.shape) : null,
      dtype: t.dtype,
      keras_history: [String(t.node.layer.config.name), graph.reindex.get(t.node) ?? t.node.index, t.index],
    },
  };
}

function argJson(tree: ArgTree, graph: Graph): JsonValue {
  switch (tree.t) {
    case 'tensor':
      return tensorJson(tree.tensor, graph);
    case 'list':
      return tree.items.map((i) => argJson(i, graph));
    case 'dict': {
      const out: JsonObject = {};
      for (const [k, v] of tree.entries) out[k] = argJson(v, graph);
      return out;
    }
    case 'json':
      return tree.value;
  }
}

function historyTree(tree: TensorTree, graph: Graph): JsonValue {
  if (Array.isArray(tree)) return tree.map((t) => historyTree(t, graph));
  if ('dict' in tree) {
    const out: JsonObject = {};
    for (const [k, v] of tree.dict) out[k] = historyTree(v, graph);
    return out;
  }
  return [String(tree.node.layer.config.name), graph.reindex.get(tree.node) ?? tree.node.index, tree.index];
}

function functionalConfig(model: ModelObj, className = 'Functional'): JsonObject {
  const graph = mapGraph(model);
  const layers: JsonValue[] = graph.layers.map((layer) => {
    const entry = layer.model ? modelConfig(layer.model) : layerEntry(layer, builtConfig(layer, model.family));
    if (layer.op) entry.registered_name = layer.className;
    entry.name = String(layer.config.name);
    entry.inbound_nodes = layer.nodes
      .filter((n) => graph.reindex.has(n) && !n.isInput)
      .map((n) => ({
        args: n.args.map((a) => argJson(a, graph)),
        kwargs: Object.fromEntries(n.kwargs.map(([k, v]) => [k, argJson(v, graph)])),
      }));
    return entry;
  });
  const config: JsonObject = {
    name: model.name,
    trainable: true,
    layers,
    input_layers: model.inputs ? historyTree(model.inputs, graph) : [],
    output_layers: model.outputs ? historyTree(model.outputs, graph) : [],
  };
  return {
    module: model.module,
    class_name: className,
    config,
    registered_name: className === 'Functional' ? 'Functional' : className,
  };
}
