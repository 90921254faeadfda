/** keras.layers in keras/src/layers/attention: Attention, AdditiveAttention, MultiHeadAttention. */
import { both, bothTakingMask, rule } from '../masking/rows';
import type { LayerEntry, ShapeCall, Shape } from './entry';
import { initializer } from './kerasObjects';
import { count, intList } from './shapeRules';
import { attentionWorking, lastOf, multiHeadParams } from './weightCounts';

const init = (name: string) => initializer(name) ?? null;

/**
 * The first Keras release whose MultiHeadAttention.call deletes its query/value/key tensors'
 * masks (backend.set_keras_mask(query, None)), so layers run after it on those tensors see
 * none. Sweep: a Dense on the query tensor after the attention keeps its mask on 3.7.0, loses it on 3.8.0.
 */
const MHA_CLEARS_MASKS_FROM = '3.8.0';

/** The query's shape with the value's last axis. */
function dotAttentionShape({ inputs }: ShapeCall): Shape | null {
  const [query] = inputs;
  const value = inputs[1] ?? query;
  return query && value ? [...query.slice(0, -1), value[value.length - 1] ?? null] : null;
}

export const ATTENTION_LAYERS = {
  Attention: {
    signature: {
      params: ['use_scale', 'score_mode', 'dropout', 'seed'],
      defaults: () => ({ use_scale: false, score_mode: 'dot', dropout: 0.0, seed: null }),
    },
    mask: bothTakingMask({
      ...rule(true, 'query', 'layers/attention/attention.py compute_mask: convert_to_tensor(the query mask)'),
      convertsQueryMask: true,
    }),
    shape: dotAttentionShape,
    // A scalar scale with use_scale, a scalar weight with score_mode='concat'.
    params: ({ config }) => (config.use_scale === true ? 1 : 0) + (config.score_mode === 'concat' ? 1 : 0),
    working: ({ inputs, config }) => attentionWorking('Attention', config, inputs),
  },
  AdditiveAttention: {
    signature: { params: ['use_scale', 'dropout'], defaults: () => ({ use_scale: true, dropout: 0.0, seed: null }) },
    mask: both({
      ...rule(
        true,
        'query',
        'layers/attention/additive_attention.py (an Attention) compute_mask: convert_to_tensor(the query mask)',
      ),
      convertsQueryMask: true,
    }),
    shape: dotAttentionShape,
    // A scale vector over the query's last axis with use_scale (its default).
    params: ({ inputs: [query], config }) => (config.use_scale === false ? 0 : lastOf(query)),
    working: ({ inputs, config }) => attentionWorking('AdditiveAttention', config, inputs),
  },
  MultiHeadAttention: {
    signature: {
      params: [
        'num_heads',
        'key_dim',
        'value_dim',
        'dropout',
        'use_bias',
        'output_shape',
        'attention_axes',
        'kernel_initializer',
        'bias_initializer',
        'kernel_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'bias_constraint',
        'seed',
      ],
      defaults: () => ({
        num_heads: null,
        key_dim: null,
        value_dim: null,
        dropout: 0.0,
        use_bias: true,
        use_gate: false,
        output_shape: null,
        attention_axes: null,
        sliding_window: null,
        kernel_initializer: init('glorot_uniform'),
        bias_initializer: init('zeros'),
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        seed: null,
      }),
      norms: {
        kernel_initializer: 'initializer',
        bias_initializer: 'initializer',
        kernel_regularizer: 'regularizer',
        bias_regularizer: 'regularizer',
        activity_regularizer: 'regularizer',
        kernel_constraint: 'constraint',
        bias_constraint: 'constraint',
        attention_axes: 'list',
        output_shape: 'list',
      },
      derive: (config) => {
        if (config.value_dim === null || config.value_dim === undefined) config.value_dim = config.key_dim;
      },
    },
    mask: [
      {
        family: 'keras3',
        until: MHA_CLEARS_MASKS_FROM,
        rule: rule(
          true,
          'query',
          'layers/attention/multi_head_attention.py compute_mask: the query mask (sweep: 3.0.0-3.7.0 leave the input tensors their masks)',
        ),
      },
      {
        family: 'keras3',
        from: MHA_CLEARS_MASKS_FROM,
        rule: {
          ...rule(
            true,
            'query',
            "layers/attention/multi_head_attention.py call: output mask = the query mask; deletes the input tensors' masks (sweep: 3.8.0 on)",
          ),
          clearsInputMasks: true,
        },
      },
      {
        family: 'tf-keras2',
        rule: rule(true, 'query', 'tf_keras multi_head_attention.py: the query mask carries over'),
      },
    ],
    shape: ({ inputs: [input], config }) => {
      if (!input) return null;
      const declared = intList(config.output_shape);
      return [...input.slice(0, -1), ...(declared ?? [input[input.length - 1] ?? null])];
    },
    params: ({ inputs, config }) => multiHeadParams(config, inputs),
    working: ({ inputs, config }) => attentionWorking('MultiHeadAttention', config, inputs),
    // With return_attention_scores=True: the scores, (batch, heads, query steps, value steps).
    extraOutputs: ({ inputs, config, kwargs }) => {
      const query = inputs[0];
      if (kwargs.get('return_attention_scores') !== true) return [];
      const value = inputs[1] ?? query;
      return [query && value ? [query[0] ?? null, count(config.num_heads), query[1] ?? null, value[1] ?? null] : null];
    },
  },
} satisfies Record<string, LayerEntry>;
