/** keras.layers in keras/src/layers/pooling: 1-D pooling windows and global pooling. */
import type { JsonObject } from '../ir';
import { bothTakingMask, rule, unsupported } from '../masking/rows';
import type { LayerEntry, LayerSignature, ShapeCall, Shape } from './entry';
import { intList, num } from './shapeRules';

const pooling = (poolDefault: number | null): LayerSignature => ({
  params: ['pool_size', 'strides', 'padding', 'data_format'],
  defaults: () => ({
    pool_size: poolDefault === null ? null : [poolDefault],
    padding: 'valid',
    strides: null,
    data_format: 'channels_last',
  }),
  norms: { pool_size: 'tuple1', strides: 'tuple1' },
  derive: (config: JsonObject) => {
    if (config.strides === null || config.strides === undefined) config.strides = config.pool_size;
  },
});

const globalPooling: LayerSignature = {
  params: ['data_format', 'keepdims'],
  defaults: () => ({ data_format: 'channels_last', keepdims: false }),
};

function windowShape({ inputs: [input], config }: ShapeCall): Shape | null {
  if (!input) return null;
  const [p] = intList(config.pool_size) ?? [2];
  const [s] = intList(config.strides) ?? [p];
  const t = num(input[1]);
  const steps = t === null ? null : config.padding === 'same' ? Math.ceil(t / s) : Math.floor((t - p) / s) + 1;
  return [input[0] ?? null, steps, input[2] ?? null];
}

function globalShape({ inputs: [input], config }: ShapeCall): Shape | null {
  if (!input) return null;
  return config.keepdims === true
    ? [input[0] ?? null, 1, input[2] ?? null]
    : [input[0] ?? null, input[input.length - 1] ?? null];
}

export const POOLING_LAYERS = {
  MaxPooling1D: { signature: pooling(2), mask: unsupported('layers/pooling/max_pooling1d.py'), shape: windowShape },
  AveragePooling1D: {
    signature: pooling(null),
    mask: unsupported('layers/pooling/average_pooling1d.py'),
    shape: windowShape,
  },
  GlobalAveragePooling1D: {
    signature: globalPooling,
    mask: bothTakingMask(
      rule(
        true,
        'consume',
        'layers/pooling/global_average_pooling1d.py: averages valid steps, compute_mask returns None',
      ),
    ),
    shape: globalShape,
  },
  GlobalMaxPooling1D: {
    signature: globalPooling,
    mask: unsupported('layers/pooling/global_max_pooling1d.py'),
    shape: globalShape,
  },
} satisfies Record<string, LayerEntry>;
