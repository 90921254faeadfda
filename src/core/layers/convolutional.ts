/** keras.layers in keras/src/layers/convolutional: Conv1D. */
import { unsupported } from '../masking/rows';
import type { LayerEntry } from './entry';
import { initializer } from './kerasObjects';
import { convLength, count, intList } from './shapeRules';
import { lastOf } from './weightCounts';

const init = (name: string) => initializer(name) ?? null;

export const CONVOLUTIONAL_LAYERS = {
  Conv1D: {
    signature: {
      params: [
        'filters',
        'kernel_size',
        'strides',
        'padding',
        'data_format',
        'dilation_rate',
        'groups',
        'activation',
        'use_bias',
        'kernel_initializer',
        'bias_initializer',
        'kernel_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'bias_constraint',
      ],
      defaults: () => ({
        filters: null,
        kernel_size: null,
        strides: [1],
        padding: 'valid',
        data_format: 'channels_last',
        dilation_rate: [1],
        groups: 1,
        activation: 'linear',
        use_bias: true,
        kernel_initializer: init('glorot_uniform'),
        bias_initializer: init('zeros'),
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      }),
      norms: {
        kernel_size: 'tuple1',
        strides: 'tuple1',
        dilation_rate: 'tuple1',
        activation: 'activation',
        kernel_initializer: 'initializer',
        bias_initializer: 'initializer',
        kernel_regularizer: 'regularizer',
        bias_regularizer: 'regularizer',
        activity_regularizer: 'regularizer',
        kernel_constraint: 'constraint',
        bias_constraint: 'constraint',
      },
      dropped: ['lora_rank', 'lora_alpha'],
    },
    mask: unsupported('layers/convolutional/conv1d.py'),
    shape: ({ inputs: [input], config }) => {
      if (!input) return null;
      const [k] = intList(config.kernel_size) ?? [1];
      const [s] = intList(config.strides) ?? [1];
      const [d] = intList(config.dilation_rate) ?? [1];
      return [input[0] ?? null, convLength(input[1] ?? null, k, s, d, String(config.padding)), count(config.filters)];
    },
    sizesFromWeights: ([kernel]: number[][]): Record<string, number> =>
      kernel?.length === 3 ? { filters: kernel[2] } : {},
    params: ({ inputs: [input], config }) => {
      const [k] = intList(config.kernel_size) ?? [null];
      const [inDim, filters] = [lastOf(input), count(config.filters)];
      const groups = count(config.groups) ?? 1;
      if (k === null || inDim === null || filters === null) return null;
      return k * (inDim / groups) * filters + (config.use_bias === false ? 0 : filters);
    },
  },
} satisfies Record<string, LayerEntry>;
