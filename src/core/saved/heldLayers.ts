/**
 * The layers a Keras layer holds, as its saved weights name them: the attribute each is
 * kept under (the group Keras 3 and tf-keras write its weights into) and its config, in the
 * order `layer.weights` (and so `get_weights()`) lists them after the layer's own variables.
 * Classes without a row hold no layers.
 */
import type { JsonObject, JsonValue } from '../ir';

export interface HeldLayer {
  attribute: string;
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

export function heldLayers(className: string, config: JsonObject): HeldLayer[] | null {
  const cell = RNN_CELLS[className];
  if (cell) return [{ attribute: 'cell', className: cell, config }];
  if (className === 'Bidirectional') {
    const forward = layerOf(config.layer);
    const backward = layerOf(config.backward_layer) ?? forward;
    if (!forward || !backward) return null;
    return [
      { attribute: 'forward_layer', ...forward },
      { attribute: 'backward_layer', ...backward },
    ];
  }
  if (className === 'TimeDistributed') {
    const inner = layerOf(config.layer);
    return inner ? [{ attribute: 'layer', ...inner }] : null;
  }
  if (className === 'MultiHeadAttention') {
    return ['_query_dense', '_key_dense', '_value_dense', '_output_dense'].map((attribute) => ({ attribute, className: 'EinsumDense', config: {} }));
  }
  return [];
}
