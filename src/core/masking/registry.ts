/**
 * The one mask-rule registry. Facts are keyed by layer class, Keras family and version
 * range, so a change in Keras (e.g. keras-team/keras#23235, after 3.15.1: recurrent layers
 * and their wrappers stop propagating masks automatically) is one more row, not a new `if`.
 * Golden tests check every released row against the installed Keras.
 */
import type { KerasFamily } from '../ir';
import type { FamilyBehaviour, LayerMaskRule, OutputMaskKind, VersionedFamilyBehaviour, VersionedRule } from './rules';

const TF_KERAS_TYPE_ERROR = 'TypeError: Layer {layer} does not support masking, but was passed an input_mask';

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
    // Verified against tf-keras 2.21.0: Flatten, Conv1D, Reshape, GlobalMaxPooling1D, ...
    // receiving a mask neither warn nor raise; the mask silently disappears. The TypeError
    // below survives only where a wrapper calls the inner layer's compute_mask
    // (TimeDistributed), see `innerUnsupported`.
    unsupportedMask: 'drop-silently',
    unsupportedMessage: 'Layer {layer} (of type {className}) does not support masking: tf.keras drops the mask here without a warning, and downstream layers (and the loss) see no mask.',
  },
};

/**
 * How each family treats a mask arriving at a layer that does not support masking, by
 * version. `FAMILIES` holds the reference versions' rows; older releases differ.
 */
export const FAMILY_HISTORY: Record<KerasFamily, VersionedFamilyBehaviour[]> = {
  keras3: [{ unsupportedMask: 'drop-with-warning', unsupportedMessage: FAMILIES.keras3.unsupportedMessage, evidence: 'keras/src/layers/layer.py __call__: warnings.warn(... will therefore destroy the mask information ...)' }],
  'tf-keras2': [
    {
      until: '2.3.0',
      unsupportedMask: 'raise',
      unsupportedMessage: TF_KERAS_TYPE_ERROR,
      evidence: 'Keras 2.2-era Layer.__call__ called compute_mask on every layer; the base compute_mask raises this TypeError (not re-checked against a tf.keras release of that age)',
    },
    {
      from: '2.3.0',
      unsupportedMask: 'drop-silently',
      unsupportedMessage: FAMILIES['tf-keras2'].unsupportedMessage,
      evidence: 'tf.keras base_layer _set_mask_metadata skips compute_mask unless supports_masking (TF 2.2+); golden: tf-keras 2.21.0 drops silently',
    },
  ],
};

/** The family's behaviour at a version (default: the reference version). */
export function familyBehaviour(family: KerasFamily, version = FAMILIES[family].referenceVersion): FamilyBehaviour {
  const row = FAMILY_HISTORY[family].find(
    (r) => (r.from === undefined || compareVersions(version, r.from) >= 0) && (r.until === undefined || compareVersions(version, r.until) < 0),
  );
  const base = FAMILIES[family];
  return row ? { ...base, unsupportedMask: row.unsupportedMask, unsupportedMessage: row.unsupportedMessage } : base;
}

/** The message a wrapper raises (tf.keras TimeDistributed) when its inner layer gets a mask. */
export const INNER_UNSUPPORTED_MESSAGE = TF_KERAS_TYPE_ERROR;

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

/** The same mask rule in both families; Keras 3's `call()` also takes `mask=` (see `callTakesMask`). */
const bothTakingMask = (r: LayerMaskRule): VersionedRule[] => [
  { family: 'keras3', rule: { ...r, callTakesMask: true } },
  { family: 'tf-keras2', rule: r },
];

const RECURRENT_CHANGE = '3.16.0'; // first Keras release after 3.15.1, carrying keras-team/keras#23235

/** Recurrent layers: propagate with return_sequences up to 3.15.x, consume from #23235 on. */
const recurrent = (output: 'rnn' | 'rnn-wrapper', where: string): VersionedRule[] => [
  { family: 'keras3', until: RECURRENT_CHANGE, rule: { ...rule(true, output, `${where} compute_mask: mask if return_sequences else None`), callTakesMask: true } },
  { family: 'keras3', from: RECURRENT_CHANGE, rule: { ...rule(true, 'consume', 'keras-team/keras#23235: recurrent layers and wrappers no longer propagate masks automatically'), callTakesMask: true } },
  { family: 'tf-keras2', rule: rule(true, output, `tf_keras ${where} compute_mask: mask if return_sequences else None`) },
];

const merging = (file: string): VersionedRule[] => [
  { family: 'keras3', rule: rule(true, 'merge-all', `layers/merging/${file}.py via base_merge.py compute_mask: None if any input mask is None, else logical_or`) },
  { family: 'tf-keras2', rule: rule(true, 'merge', `tf_keras layers/merging/${file}.py via base_merge.py compute_mask: all() over the masks present`) },
];

const unsupported = (where: string): VersionedRule[] => both(rule(false, 'unsupported', `${where}: supports_masking is False`));
const carries = (where: string): VersionedRule[] => both(rule(true, 'identity', `${where}: supports_masking = True, default compute_mask`));

export const MASK_RULES: Record<string, VersionedRule[]> = {
  InputLayer: both(rule(false, 'none', 'InputLayer creates no mask')),
  Masking: both(rule(true, 'masking', 'layers/core/masking.py: any(inputs != mask_value, axis=-1)')),
  Embedding: both({ ...rule(false, 'embedding', 'layers/core/embedding.py: supports_masking = mask_zero; compute_mask: inputs != 0 when mask_zero'), supportsMaskingFrom: 'mask_zero' }),

  LSTM: recurrent('rnn', 'layers/rnn/rnn.py'),
  GRU: recurrent('rnn', 'layers/rnn/rnn.py'),
  SimpleRNN: recurrent('rnn', 'layers/rnn/rnn.py'),
  RNN: recurrent('rnn', 'layers/rnn/rnn.py'),
  Bidirectional: recurrent('rnn-wrapper', 'layers/rnn/bidirectional.py'),
  // A mask passes through TimeDistributed in both families, but tf.keras asks the wrapped
  // layer's compute_mask first, which raises TypeError when that layer does not support masking.
  TimeDistributed: [
    { family: 'keras3', rule: { ...rule(true, 'identity', 'layers/rnn/time_distributed.py: supports_masking = True, mask passed through'), innerUnsupported: 'ignore', callTakesMask: true } },
    { family: 'tf-keras2', rule: { ...rule(true, 'identity', 'tf_keras time_distributed.py compute_mask calls the inner layer\'s compute_mask (golden: TypeError for TimeDistributed(Flatten))'), innerUnsupported: 'raise' } },
  ],

  Dense: carries('layers/core/dense.py'),
  EinsumDense: carries('layers/core/einsum_dense.py'),
  Dropout: carries('layers/regularization/dropout.py'),
  SpatialDropout1D: carries('layers/regularization/spatial_dropout.py'),
  GaussianNoise: carries('layers/regularization/gaussian_noise.py'),
  Activation: carries('layers/core/activation.py'),
  ReLU: carries('layers/activations/relu.py'),
  Softmax: bothTakingMask(rule(true, 'identity', 'layers/activations/softmax.py: supports_masking = True; call(inputs, mask)')),
  BatchNormalization: bothTakingMask(rule(true, 'identity', 'layers/normalization/batch_normalization.py: supports_masking = True; call(inputs, training, mask)')),
  LayerNormalization: carries('layers/normalization/layer_normalization.py'),

  Lambda: bothTakingMask(rule(true, 'lambda', 'layers/core/lambda_layer.py compute_mask: mask(inputs, previous_mask) if callable else mask')),

  GlobalAveragePooling1D: bothTakingMask(rule(true, 'consume', 'layers/pooling/global_average_pooling1d.py: averages valid steps, compute_mask returns None')),
  GlobalMaxPooling1D: unsupported('layers/pooling/global_max_pooling1d.py'),
  MaxPooling1D: unsupported('layers/pooling/max_pooling1d.py'),
  AveragePooling1D: unsupported('layers/pooling/average_pooling1d.py'),
  Conv1D: unsupported('layers/convolutional/conv1d.py'),
  Flatten: unsupported('layers/reshaping/flatten.py'),
  Reshape: unsupported('layers/reshaping/reshape.py'),
  RepeatVector: unsupported('layers/reshaping/repeat_vector.py'),
  Permute: unsupported('layers/reshaping/permute.py'),

  // Keras 3 keeps a merged mask only when every input has one (then ORs them); tf.keras ANDs
  // the masks that are present. Golden: c19 (Add after MultiHeadAttention: one input has lost its
  // mask at run time → no mask out) and c17 (the logical_or chain of masked Add/Multiply/Average).
  Add: merging('add'),
  Subtract: merging('subtract'),
  Multiply: merging('multiply'),
  Average: merging('average'),
  Maximum: merging('maximum'),
  Minimum: merging('minimum'),
  Concatenate: [
    { family: 'keras3', rule: { ...rule(true, 'concatenate', 'layers/merging/concatenate.py compute_mask: missing masks are all-true; any() over the last axis'), reduce: 'any' } },
    { family: 'tf-keras2', rule: { ...rule(true, 'concatenate', 'tf_keras layers/merging/concatenate.py compute_mask: missing masks are all-true; all() over the last axis'), reduce: 'all' } },
  ],
  Attention: bothTakingMask({ ...rule(true, 'query', 'layers/attention/attention.py compute_mask: convert_to_tensor(the query mask)'), convertsQueryMask: true }),
  AdditiveAttention: both({ ...rule(true, 'query', 'layers/attention/additive_attention.py (an Attention) compute_mask: convert_to_tensor(the query mask)'), convertsQueryMask: true }),
  MultiHeadAttention: [
    {
      family: 'keras3',
      rule: { ...rule(true, 'query', 'layers/attention/multi_head_attention.py call: output mask = the query mask; deletes the input tensors\' masks'), clearsInputMasks: true },
    },
    { family: 'tf-keras2', rule: rule(true, 'query', 'tf_keras multi_head_attention.py: the query mask carries over') },
  ],
};

/** A model used as a layer: Functional/Sequential `call` runs its own graph with the incoming mask. */
export const NESTED_MODEL_RULES: VersionedRule[] = bothTakingMask(
  rule(true, 'nested', "a nested model's own layers decide its output mask (keras/src/models/functional.py call(inputs, training, mask) and compute_mask)"),
);

/** Keras operations recorded in functional configs (keras.src.ops): Operations, not Layers. */
export const KERAS_OP_RULES: VersionedRule[] = both(rule(false, 'none', 'Keras ops (keras.src.ops) are Operations, not Layers: they neither use nor propagate masks'));

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

const resolved = new Map<string, ResolvedRule>();

/** What the registry needs to know of a layer to find its rule. */
export interface RuleSubject {
  className: string;
  /** A Keras op node, or a model used as a layer: rows of their own, whatever the class is called. */
  kind?: 'layer' | 'input' | 'op' | 'model';
}

/** The rule for a layer of a graph: Keras ops and nested models by kind, other layers by class. */
export function ruleFor(subject: RuleSubject, family: KerasFamily, version = FAMILIES[family].referenceVersion): ResolvedRule {
  if (subject.kind === 'op') return pick(KERAS_OP_RULES, subject.className, family, version) ?? unknownRule(subject.className, family, version);
  if (subject.kind === 'model') return pick(NESTED_MODEL_RULES, subject.className, family, version) ?? unknownRule(subject.className, family, version);
  return resolveMaskRule(subject.className, family, version);
}

/** The rule for one layer class under one Keras family and version (default: the reference version). */
export function resolveMaskRule(className: string, family: KerasFamily, version = FAMILIES[family].referenceVersion): ResolvedRule {
  // The table is constant: memoise lookups (the analysis asks once per layer call). A copy
  // goes out so callers may adjust their own.
  const key = `${className}|${family}|${version}`;
  let hit = resolved.get(key);
  if (!hit) {
    hit = resolveUncached(className, family, version);
    if (resolved.size < 5_000) resolved.set(key, hit);
  }
  return { ...hit };
}

function pick(candidates: VersionedRule[], className: string, family: KerasFamily, version: string): ResolvedRule | null {
  const hit = candidates.find(
    (c) =>
      c.family === family &&
      (c.from === undefined || compareVersions(version, c.from) >= 0) &&
      (c.until === undefined || compareVersions(version, c.until) < 0),
  );
  return hit ? { ...hit.rule, className, family, version, known: true } : null;
}

/** A class the registry does not know: Keras' default for layers that do not declare mask support. */
function unknownRule(className: string, family: KerasFamily, version: string): ResolvedRule {
  return { supportsMasking: false, output: 'unsupported', evidence: 'not in the MaskLens registry', className, family, version, known: false };
}

function resolveUncached(className: string, family: KerasFamily, version: string): ResolvedRule {
  return pick(MASK_RULES[className] ?? [], className, family, version) ?? unknownRule(className, family, version);
}
