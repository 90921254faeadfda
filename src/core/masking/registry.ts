/**
 * The one mask-rule registry: how each Keras family treats masks, and which rule holds for a
 * layer. Rows live with each class's entry (src/core/layers), keyed by Keras family and
 * version range, so a change in Keras (e.g. keras-team/keras#23235, after 3.15.1: recurrent
 * layers and their wrappers stop propagating masks automatically) is one more row, not a new
 * `if`. Golden tests check every released row against the installed Keras.
 */
import type { KerasFamily } from '../ir';
import { LAYER_ENTRIES } from '../layers/index';
import { both, bothTakingMask, rule } from './rows';
import type { FamilyBehaviour, LayerMaskRule, VersionedFamilyBehaviour, VersionedRule } from './rules';

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

/** Every layer class's rows, from its entry; InputLayer (a graph input, not a callable layer) has its own. */
export const MASK_RULES: Record<string, VersionedRule[]> = {
  InputLayer: both(rule(false, 'none', 'InputLayer creates no mask')),
  ...Object.fromEntries(Object.entries(LAYER_ENTRIES).map(([name, entry]) => [name, entry.mask])),
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
