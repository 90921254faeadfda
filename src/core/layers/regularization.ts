/** keras.layers in keras/src/layers/regularization: Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout. */
import { carries } from '../masking/rows';
import type { LayerEntry } from './entry';
import { sameShape } from './shapeRules';

export const REGULARIZATION_LAYERS = {
  Dropout: {
    signature: {
      params: ['rate', 'noise_shape', 'seed'],
      defaults: () => ({ rate: null, seed: null, noise_shape: null }),
      norms: { noise_shape: 'list', rate: 'float' },
    },
    mask: carries('layers/regularization/dropout.py'),
    shape: sameShape,
  },
  SpatialDropout1D: {
    signature: {
      params: ['rate', 'seed'],
      defaults: () => ({ rate: null, seed: null }),
      norms: { rate: 'float' },
      bare: true,
    },
    mask: carries('layers/regularization/spatial_dropout.py'),
    shape: sameShape,
  },
  GaussianNoise: {
    signature: { params: ['stddev', 'seed'], defaults: () => ({ stddev: null, seed: null }) },
    mask: carries('layers/regularization/gaussian_noise.py'),
    shape: sameShape,
  },
  GaussianDropout: {
    signature: { params: ['rate', 'seed'], defaults: () => ({ rate: null, seed: null }), norms: { rate: 'float' } },
    mask: carries('layers/regularization/gaussian_dropout.py'),
    shape: sameShape,
  },
} satisfies Record<string, LayerEntry>;
