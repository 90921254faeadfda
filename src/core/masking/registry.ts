/**
 * The mask-rule registry's family part: how each Keras family, by version, treats a mask
 * arriving at a layer that does not support masking, and which version each family's
 * verdicts are checked against. The per-class rows live with each class's entry
 * (src/core/layers), resolved by src/core/layers/rules.ts.
 */
import { coerce, gte, lt, SemVer } from 'semver';
import type { KerasFamily } from '../ir';
import type { FamilyBehaviour, VersionedFamilyBehaviour } from './rules';

const TF_KERAS_TYPE_ERROR = 'TypeError: Layer {layer} does not support masking, but was passed an input_mask';

export const FAMILIES: Record<KerasFamily, FamilyBehaviour> = {
  keras3: {
    family: 'keras3',
    referenceVersion: '3.15.1',
    label: 'Keras 3',
    unsupportedMask: 'drop-with-warning',
    unsupportedMessage:
      "Layer '{layer}' (of type {className}) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
    listMasks: 'collected',
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
    unsupportedMessage:
      'Layer {layer} (of type {className}) does not support masking: tf.keras drops the mask here without a warning, and downstream layers (and the loss) see no mask.',
    listMasks: 'collected',
  },
};

/** The first Keras 3 release whose Layer.__call__ collects the masks of a list argument (tree.map_structure over the first argument). */
export const LIST_MASKS_FROM = '3.4.0';

/**
 * How each family treats a mask arriving at a layer that does not support masking, and the
 * masks of a list argument, by version. `FAMILIES` holds the reference versions' rows.
 */
export const FAMILY_HISTORY: Record<KerasFamily, VersionedFamilyBehaviour[]> = {
  keras3: [
    {
      until: LIST_MASKS_FROM,
      unsupportedMask: 'drop-with-warning',
      unsupportedMessage: FAMILIES.keras3.unsupportedMessage,
      listMasks: 'ignored',
      evidence:
        'keras/src/layers/layer.py __call__ (3.0-3.3): previous_mask = getattr(first_arg, "_keras_mask", None), None for a list. Sweep: Add, Multiply, Average, Concatenate and Attention on masked lists give no mask on every release 3.0.0-3.3.3 swept',
    },
    {
      from: LIST_MASKS_FROM,
      unsupportedMask: 'drop-with-warning',
      unsupportedMessage: FAMILIES.keras3.unsupportedMessage,
      listMasks: 'collected',
      evidence:
        'keras/src/layers/layer.py __call__: previous_mask = tree.map_structure(get_keras_mask, first_arg); warnings.warn(... will therefore destroy the mask information ...). Sweep: merges on masked lists carry a mask on every release 3.4.0-3.15.1 swept',
    },
  ],
  'tf-keras2': [
    {
      until: '2.3.0',
      unsupportedMask: 'raise',
      unsupportedMessage: TF_KERAS_TYPE_ERROR,
      listMasks: 'collected',
      evidence:
        'Keras 2.2-era Layer.__call__ called compute_mask on every layer; the base compute_mask raises this TypeError (not re-checked against a tf.keras release of that age)',
    },
    {
      from: '2.3.0',
      unsupportedMask: 'drop-silently',
      unsupportedMessage: FAMILIES['tf-keras2'].unsupportedMessage,
      listMasks: 'collected',
      evidence:
        'tf.keras base_layer _set_mask_metadata skips compute_mask unless supports_masking (TF 2.2+); golden: tf-keras 2.21.0 drops silently',
    },
  ],
};

/**
 * The releases the version sweep (test/golden/sweep.py, fixtures in test/golden/fixtures/sweep)
 * ran on the pinned TensorFlow: every row's range is checked against these, and a verdict for
 * any other release says whose rules it applies and which of these they were checked against.
 * test/golden/sweep.test.ts holds this list equal to the sweep's index.
 */
export const CHECKED_RELEASES: Record<KerasFamily, readonly string[]> = {
  keras3: [
    '3.0.0',
    '3.0.5',
    '3.1.1',
    '3.2.1',
    '3.3.3',
    '3.4.0',
    '3.4.1',
    '3.5.0',
    '3.6.0',
    '3.7.0',
    '3.8.0',
    '3.9.2',
    '3.10.0',
    '3.11.3',
    '3.12.4',
    '3.13.2',
    '3.14.1',
    '3.15.1',
  ],
  'tf-keras2': ['2.16.0', '2.17.0', '2.18.0', '2.19.0', '2.20.1', '2.21.0'],
};

/** The family's behaviour at a version (default: the reference version). */
export function familyBehaviour(family: KerasFamily, version = FAMILIES[family].referenceVersion): FamilyBehaviour {
  // Asked at every layer call the mask-rule function sees: the answer is constant per family and version.
  const key = `${family}|${version}`;
  const known = behaviours.get(key);
  if (known) return known;
  const row = FAMILY_HISTORY[family].find((r) => inVersionRange(version, r));
  const base = FAMILIES[family];
  const behaviour = row
    ? {
        ...base,
        unsupportedMask: row.unsupportedMask,
        unsupportedMessage: row.unsupportedMessage,
        listMasks: row.listMasks,
      }
    : base;
  if (behaviours.size < 1_000) behaviours.set(key, behaviour);
  return behaviour;
}

const behaviours = new Map<string, FamilyBehaviour>();

/** The message a wrapper raises (tf.keras TimeDistributed) when its inner layer gets a mask. */
export const INNER_UNSUPPORTED_MESSAGE = TF_KERAS_TYPE_ERROR;

/** A release as semver reads it: "2.21" is 2.21.0, and a version that names no release is 0.0.0. */
function release(version: string): SemVer {
  return coerce(version) ?? new SemVer('0.0.0');
}

/** Whether `version` lies in a rule's range: `from` inclusive, `until` exclusive, an absent bound open. */
export function inVersionRange(version: string, range: { from?: string; until?: string }): boolean {
  const v = release(version);
  return (
    (range.from === undefined || gte(v, release(range.from))) &&
    (range.until === undefined || lt(v, release(range.until)))
  );
}
