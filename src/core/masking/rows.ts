/**
 * Builders for the mask-rule rows the layer entries hold (src/core/layers): the same fact in
 * both families, a fact that changed in a Keras release, the usual kinds of layer.
 */
import type { LayerMaskRule, OutputMaskKind, VersionedRule } from './rules';

export const rule = (supportsMasking: boolean, output: OutputMaskKind, evidence: string): LayerMaskRule => ({
  supportsMasking,
  output,
  evidence,
});

/** The same rule in both families. */
export const both = (r: LayerMaskRule): VersionedRule[] => [
  { family: 'keras3', rule: r },
  { family: 'tf-keras2', rule: r },
];

/** The same mask rule in both families; Keras 3's `call()` also takes `mask=` (see `callTakesMask`). */
export const bothTakingMask = (r: LayerMaskRule): VersionedRule[] => [
  { family: 'keras3', rule: { ...r, callTakesMask: true } },
  { family: 'tf-keras2', rule: r },
];

/** The first Keras release after 3.15.1, carrying keras-team/keras#23235. */
export const RECURRENT_CHANGE = '3.16.0';

/** Recurrent layers: propagate with return_sequences up to 3.15.x, consume from keras-team/keras#23235 on. */
export const recurrent = (output: 'rnn' | 'rnn-wrapper', where: string): VersionedRule[] => [
  {
    family: 'keras3',
    until: RECURRENT_CHANGE,
    rule: { ...rule(true, output, `${where} compute_mask: mask if return_sequences else None`), callTakesMask: true },
  },
  {
    family: 'keras3',
    from: RECURRENT_CHANGE,
    rule: {
      ...rule(
        true,
        'consume',
        'keras-team/keras#23235: recurrent layers and wrappers no longer propagate masks automatically',
      ),
      callTakesMask: true,
    },
  },
  {
    family: 'tf-keras2',
    rule: rule(true, output, `tf_keras ${where} compute_mask: mask if return_sequences else None`),
  },
];

/**
 * Keras 3 keeps a merged mask only when every input has one (then ORs them); tf.keras ANDs
 * the masks that are present. Golden: c19 (Add after MultiHeadAttention: one input has lost
 * its mask at run time → no mask out) and c17 (the logical_or chain of masked Add/Multiply/Average).
 */
export const merging = (file: string): VersionedRule[] => [
  {
    family: 'keras3',
    rule: rule(
      true,
      'merge-all',
      `layers/merging/${file}.py via base_merge.py compute_mask: None if any input mask is None, else logical_or`,
    ),
  },
  {
    family: 'tf-keras2',
    rule: rule(
      true,
      'merge',
      `tf_keras layers/merging/${file}.py via base_merge.py compute_mask: all() over the masks present`,
    ),
  },
];

export const unsupported = (where: string): VersionedRule[] =>
  both(rule(false, 'unsupported', `${where}: supports_masking is False`));
export const carries = (where: string): VersionedRule[] =>
  both(rule(true, 'identity', `${where}: supports_masking = True, default compute_mask`));
