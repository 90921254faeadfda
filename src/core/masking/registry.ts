/**
 * The one mask-rule registry. Facts are keyed by layer class, Keras family and version
 * range, so a change in Keras (e.g. keras-team/keras#23235, after 3.15.1: recurrent layers
 * and their wrappers stop propagating masks automatically) is one more row, not a new `if`.
 * Golden tests check every released row against the installed Keras.
 */
import type { KerasFamily } from '../ir';
import type { FamilyBehaviour, LayerMaskRule, OutputMaskKind, VersionedRule } from './rules';

export const FAMILIES: Record<KerasFamily, FamilyBehaviour> = {
  keras3: {
    family: 'keras3',
    referenceVersion: '3.15.1',
    label: 'Keras 3',
    unsupportedMask: 'drop-with-warning',
    unsupportedMessage:
      "Layer '{layer}' (of type {className}) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
  },
  'tf-keras2': {
    family: 'tf-keras2',
    referenceVersion: '2.21.0',
    label: 'tf.keras 2',
    unsupportedMask: 'raise',
    unsupportedMessage: 'TypeError: Layer {layer} does not support masking, but was passed an input_mask',
  },
};

const rule = (supportsMasking: boolean, output: OutputMaskKind, evidence: string): LayerMaskRule => ({
  supportsMasking,
  output,
  evidence,
});

/** The same rule in both families. */
const both = (r: LayerMaskRule): VersionedRule[] => [
  { family: 'keras3', rule: r },
  { family: 'tf-keras2', rule: r },
];

const RECURRENT_CHANGE = '3.16.0'; // first Keras release after 3.15.1, carrying keras-team/keras#23235

/** Recurrent layers: propagate with return_sequences up to 3.15.x, consume from #23235 on. */
const recurrent = (output: 'rnn' | 'rnn-wrapper', where: string): VersionedRule[] => [
  { family: 'keras3', until: RECURRENT_CHANGE, rule: rule(true, output, `${where} compute_mask: mask if return_sequences else None`) },
  { family: 'keras3', from: RECURRENT_CHANGE, rule: rule(true, 'consume', 'keras-team/keras#23235: recurrent layers and wrappers no longer propagate masks automatically') },
  { family: 'tf-keras2', rule: rule(true, output, `tf_keras ${where} compute_mask: mask if return_sequences else None`) },
];

const unsupported = (where: string): VersionedRule[] => both(rule(false, 'unsupported', `${where}: supports_masking is False`));
const carries = (where: string): VersionedRule[] => both(rule(true, 'identity', `${where}: supports_masking = True, default compute_mask`));

export const MASK_RULES: Record<string, VersionedRule[]> = {
  InputLayer: both(rule(false, 'none', 'InputLayer creates no mask')),
  Masking: both(rule(true, 'masking', 'layers/core/masking.py: any(inputs != mask_value, axis=-1)')),
  Embedding: both(rule(false, 'embedding', 'layers/core/embedding.py compute_mask: inputs != 0 when mask_zero')),

  LSTM: recurrent('rnn', 'layers/rnn/rnn.py'),
  GRU: recurrent('rnn', 'layers/rnn/rnn.py'),
  SimpleRNN: recurrent('rnn', 'layers/rnn/rnn.py'),
  RNN: recurrent('rnn', 'layers/rnn/rnn.py'),
  Bidirectional: recurrent('rnn-wrapper', 'layers/rnn/bidirectional.py'),
  TimeDistributed: carries('layers/rnn/time_distributed.py'),

  Dense: carries('layers/core/dense.py'),
  EinsumDense: carries('layers/core/einsum_dense.py'),
  Dropout: carries('layers/regularization/dropout.py'),
  SpatialDropout1D: carries('layers/regularization/spatial_dropout.py'),
  GaussianNoise: carries('layers/regularization/gaussian_noise.py'),
  Activation: carries('layers/core/activation.py'),
  ReLU: carries('layers/activations/relu.py'),
  Softmax: carries('layers/activations/softmax.py'),
  BatchNormalization: carries('layers/normalization/batch_normalization.py'),
  LayerNormalization: carries('layers/normalization/layer_normalization.py'),

  Lambda: both(rule(true, 'lambda', 'layers/core/lambda_layer.py compute_mask: mask(inputs, previous_mask) if callable else mask')),

  GlobalAveragePooling1D: both(rule(true, 'consume', 'layers/pooling/global_average_pooling1d.py: averages valid steps, compute_mask returns None')),
  GlobalMaxPooling1D: unsupported('layers/pooling/global_max_pooling1d.py'),
  MaxPooling1D: unsupported('layers/pooling/max_pooling1d.py'),
  AveragePooling1D: unsupported('layers/pooling/average_pooling1d.py'),
  Conv1D: unsupported('layers/convolutional/conv1d.py'),
  Flatten: unsupported('layers/reshaping/flatten.py'),
  Reshape: unsupported('layers/reshaping/reshape.py'),
  RepeatVector: unsupported('layers/reshaping/repeat_vector.py'),
  Permute: unsupported('layers/reshaping/permute.py'),

  Add: both(rule(true, 'merge', 'layers/merging/base_merge.py compute_mask: all(masks)')),
  Subtract: both(rule(true, 'merge', 'layers/merging/base_merge.py compute_mask: all(masks)')),
  Multiply: both(rule(true, 'merge', 'layers/merging/base_merge.py compute_mask: all(masks)')),
  Average: both(rule(true, 'merge', 'layers/merging/base_merge.py compute_mask: all(masks)')),
  Maximum: both(rule(true, 'merge', 'layers/merging/base_merge.py compute_mask: all(masks)')),
  Minimum: both(rule(true, 'merge', 'layers/merging/base_merge.py compute_mask: all(masks)')),
  Concatenate: both(rule(true, 'concatenate', 'layers/merging/concatenate.py compute_mask: missing masks are all-true')),
  Attention: both(rule(true, 'query', 'layers/attention/attention.py compute_mask: the query mask')),
  AdditiveAttention: both(rule(true, 'query', 'layers/attention/additive_attention.py compute_mask: the query mask')),
  MultiHeadAttention: both(rule(true, 'query', 'layers/attention/multi_head_attention.py: the query mask carries over')),
};

/** Compares dotted versions numerically ("3.9.0" < "3.15.1"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface ResolvedRule extends LayerMaskRule {
  className: string;
  family: KerasFamily;
  version: string;
  /** False for classes the registry does not know: treated as unsupported, with a diagnostic. */
  known: boolean;
}

/** The rule for one layer class under one Keras family and version (default: the reference version). */
export function resolveMaskRule(className: string, family: KerasFamily, version = FAMILIES[family].referenceVersion): ResolvedRule {
  const candidates = MASK_RULES[className] ?? [];
  const hit = candidates.find(
    (c) =>
      c.family === family &&
      (c.from === undefined || compareVersions(version, c.from) >= 0) &&
      (c.until === undefined || compareVersions(version, c.until) < 0),
  );
  if (hit) return { ...hit.rule, className, family, version, known: true };
  return { supportsMasking: false, output: 'unsupported', evidence: 'not in the MaskLens registry', className, family, version, known: false };
}
