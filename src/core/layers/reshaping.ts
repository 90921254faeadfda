/** keras.layers in keras/src/layers/reshaping: Flatten, Reshape, RepeatVector, Permute (none supports masking). */
import { unsupported } from '../masking/rows';
import type { LayerEntry } from './entry';
import { count, intList } from './shapeRules';

export const RESHAPING_LAYERS = {
  Flatten: {
    signature: { params: ['data_format'], defaults: () => ({ data_format: 'channels_last' }) },
    mask: unsupported('layers/reshaping/flatten.py'),
    shape: ({ inputs: [input] }) => {
      if (!input) return null;
      const rest = input.slice(1);
      const n = rest.every((d) => typeof d === 'number') ? (rest as number[]).reduce((a, b) => a * b, 1) : null;
      return [input[0] ?? null, n];
    },
  },
  Reshape: {
    signature: { params: ['target_shape'], defaults: () => ({ target_shape: null }), norms: { target_shape: 'list' } },
    mask: unsupported('layers/reshaping/reshape.py'),
    shape: ({ inputs: [input], config }) => {
      const target = intList(config.target_shape);
      if (!target || !input) return null;
      const rest = input.slice(1);
      const total = rest.every((d) => typeof d === 'number') ? (rest as number[]).reduce((a, b) => a * b, 1) : null;
      const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      return [
        input[0] ?? null,
        ...target.map((d) => (d === -1 ? (total !== null && known ? total / known : null) : d)),
      ];
    },
  },
  RepeatVector: {
    signature: { params: ['n'], defaults: () => ({ n: null }) },
    mask: unsupported('layers/reshaping/repeat_vector.py'),
    shape: ({ inputs: [input], config }) => (input ? [input[0] ?? null, count(config.n), input[1] ?? null] : null),
  },
  Permute: {
    signature: { params: ['dims'], defaults: () => ({ dims: null }), norms: { dims: 'list' } },
    mask: unsupported('layers/reshaping/permute.py'),
    shape: ({ inputs: [input], config }) => {
      const dims = intList(config.dims);
      return input && dims ? [input[0] ?? null, ...dims.map((d) => input[d] ?? null)] : null;
    },
  },
} satisfies Record<string, LayerEntry>;
