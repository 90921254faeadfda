/** keras.layers in keras/src/layers/normalization: BatchNormalization, LayerNormalization. */
import { bothTakingMask, carries, rule } from '../masking/rows';
import type { LayerEntry } from './entry';
import { initializer } from './kerasObjects';
import { sameShape } from './shapeRules';
import { batchNormParams, layerNormParams } from './weightCounts';

const init = (name: string) => initializer(name) ?? null;

export const NORMALIZATION_LAYERS = {
  BatchNormalization: {
    signature: {
      params: [
        'axis',
        'momentum',
        'epsilon',
        'center',
        'scale',
        'beta_initializer',
        'gamma_initializer',
        'moving_mean_initializer',
        'moving_variance_initializer',
        'beta_regularizer',
        'gamma_regularizer',
        'beta_constraint',
        'gamma_constraint',
        'synchronized',
      ],
      defaults: () => ({
        axis: -1,
        momentum: 0.99,
        epsilon: 0.001,
        center: true,
        scale: true,
        beta_initializer: init('zeros'),
        gamma_initializer: init('ones'),
        moving_mean_initializer: init('zeros'),
        moving_variance_initializer: init('ones'),
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
        synchronized: false,
        renorm: false,
        renorm_clipping: null,
        renorm_momentum: 0.99,
      }),
      norms: {
        beta_initializer: 'initializer',
        gamma_initializer: 'initializer',
        moving_mean_initializer: 'initializer',
        moving_variance_initializer: 'initializer',
        beta_regularizer: 'regularizer',
        gamma_regularizer: 'regularizer',
        beta_constraint: 'constraint',
        gamma_constraint: 'constraint',
      },
    },
    mask: bothTakingMask(
      rule(
        true,
        'identity',
        'layers/normalization/batch_normalization.py: supports_masking = True; call(inputs, training, mask)',
      ),
    ),
    shape: sameShape,
    params: ({ inputs: [input], config }) => batchNormParams(config, input),
  },
  LayerNormalization: {
    signature: {
      params: [
        'axis',
        'epsilon',
        'center',
        'scale',
        'rms_scaling',
        'beta_initializer',
        'gamma_initializer',
        'beta_regularizer',
        'gamma_regularizer',
        'beta_constraint',
        'gamma_constraint',
      ],
      defaults: () => ({
        axis: -1,
        epsilon: 0.001,
        center: true,
        scale: true,
        rms_scaling: false,
        beta_initializer: init('zeros'),
        gamma_initializer: init('ones'),
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
      }),
      norms: {
        beta_initializer: 'initializer',
        gamma_initializer: 'initializer',
        beta_regularizer: 'regularizer',
        gamma_regularizer: 'regularizer',
        beta_constraint: 'constraint',
        gamma_constraint: 'constraint',
      },
    },
    mask: carries('layers/normalization/layer_normalization.py'),
    shape: sameShape,
    params: ({ inputs: [input], config }) => layerNormParams(config, input),
  },
} satisfies Record<string, LayerEntry>;
