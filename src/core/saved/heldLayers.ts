/**
 * The layers a Keras layer holds, as its saved weights name them: the attribute each is
 * kept under (the group Keras 3 and tf-keras write its weights into) and its config, in the
 * order `layer.weights` (and so `get_weights()`) lists them after the layer's own variables.
 * Keras' own classes by a table; a custom layer class by what the reader found it holds
 * (`CustomLayerIR.sublayers`, in Keras' tracking order). Other classes hold no layers.
 */
import type { JsonObject, JsonValue } from '../ir';

export interface HeldLayer {
  /** The attribute's names, as the families differ (Keras 3 saves MultiHeadAttention's `query_dense` property, tf-keras its `_query_dense` attribute). */
  attributes: string[];
  className: string;
  config: JsonObject;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `{class_name, config}` pair as configs nest layers (a wrapper's `layer`). */
function layerOf(v: JsonValue | undefined): { className: string; config: JsonObject } | null {
  if (!isObject(v) || typeof v.class_name !== 'string' || !isObject(v.config)) return null;
  return { className: v.class_name, config: v.config };
}

const RNN_CELLS: Record<string, string> = { LSTM: 'LSTMCell', GRU: 'GRUCell', SimpleRNN: 'SimpleRNNCell' };

/** What the reader found a custom layer instance holds, by the instance's Keras layer name. */
export type CustomHeld = Record<
  string,
  { sublayers: { attr: string; config: { class_name: string; config: JsonObject } }[] }
>;

export function heldLayers(className: string, config: JsonObject, custom: CustomHeld = {}): HeldLayer[] | null {
  const name = typeof config.name === 'string' ? config.name : null;
  const own = name !== null && Object.hasOwn(custom, name) ? custom[name] : null;
  if (own)
    return own.sublayers.map((s) => ({
      attributes: [s.attr],
      className: s.config.class_name,
      config: s.config.config,
    }));
  const cell = RNN_CELLS[className];
  if (cell) return [{ attributes: ['cell'], className: cell, config }];
  if (className === 'Bidirectional') {
    const forward = layerOf(config.layer);
    const backward = layerOf(config.backward_layer) ?? forward;
    if (!forward || !backward) return null;
    return [
      { attributes: ['forward_layer'], ...forward },
      { attributes: ['backward_layer'], ...backward },
    ];
  }
  if (className === 'TimeDistributed') {
    const inner = layerOf(config.layer);
    return inner ? [{ attributes: ['layer'], ...inner }] : null;
  }
  if (className === 'MultiHeadAttention') {
    return ['query_dense', 'key_dense', 'value_dense', 'output_dense'].map((name) => ({
      attributes: [name, `_${name}`],
      className: 'EinsumDense',
      config: {},
    }));
  }
  return [];
}
