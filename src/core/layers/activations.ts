/** keras.layers in keras/src/layers/activations: Activation, ReLU, Softmax. */
import { bothTakingMask, carries, rule } from '../masking/rows';
import type { LayerEntry } from './entry';
import { sameShape } from './shapeRules';

export const ACTIVATION_LAYERS = {
  Activation: {
    signature: { params: ['activation'], defaults: () => ({ activation: null }), norms: { activation: 'activation' } },
    mask: carries('layers/core/activation.py'),
    shape: sameShape,
  },
  ReLU: {
    signature: {
      params: ['max_value', 'negative_slope', 'threshold'],
      defaults: () => ({ max_value: null, negative_slope: 0.0, threshold: 0.0 }),
    },
    mask: carries('layers/activations/relu.py'),
    shape: sameShape,
  },
  Softmax: {
    signature: { params: ['axis'], defaults: () => ({ axis: -1 }) },
    mask: bothTakingMask(
      rule(true, 'identity', 'layers/activations/softmax.py: supports_masking = True; call(inputs, mask)'),
    ),
    shape: sameShape,
  },
} satisfies Record<string, LayerEntry>;
