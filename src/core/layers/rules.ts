/**
 * Which mask rule holds for a layer under one Keras family and version: its class's entry
 * rows, or the rows of their own for Keras ops, models used as layers and InputLayer. A
 * change in Keras (e.g. keras-team/keras#23235, after 3.15.1: recurrent layers and their
 * wrappers stop propagating masks automatically) is one more row, not a new `if`; golden
 * tests check the rows against the installed Keras.
 */
import type { JsonObject, KerasFamily } from '../ir';
import { customRule } from './custom';
import { thirdPartyEntry } from './thirdParty';
import { FAMILIES, inVersionRange } from '../masking/registry';
import { both, rule } from '../masking/rows';
import type { CustomMaskFacts, ResolvedRule, VersionedRule } from '../masking/rules';
import { LAYER_ENTRIES } from './index';

/** Every layer class's rows, from its entry; InputLayer (a graph input, not a callable layer) has its own. */
export const MASK_RULES: Record<string, VersionedRule[]> = {
  InputLayer: both(rule(false, 'none', 'InputLayer creates no mask')),
  ...Object.fromEntries(Object.entries(LAYER_ENTRIES).map(([name, entry]) => [name, entry.mask])),
};

/**
 * A model used as a layer: Functional/Sequential `call` runs its own graph with the incoming
 * mask. Keras 3 still warns that it destroys the mask (its `supports_masking` is False).
 */
export const NESTED_MODEL_RULES: VersionedRule[] = [
  {
    family: 'keras3',
    rule: {
      ...rule(
        true,
        'nested',
        "a nested model's own layers decide its output mask (keras/src/models/functional.py call(inputs, training, mask) and compute_mask)",
      ),
      callTakesMask: true,
      warnsAlthoughCarried: true,
    },
  },
  {
    family: 'tf-keras2',
    rule: rule(
      true,
      'nested',
      "a nested model's own layers decide its output mask (tf_keras functional.py call(inputs, training, mask) and compute_mask)",
    ),
  },
];

/** Keras operations recorded in functional configs (keras.src.ops): Operations, not Layers. */
export const KERAS_OP_RULES: VersionedRule[] = both(
  rule(false, 'none', 'Keras ops (keras.src.ops) are Operations, not Layers: they neither use nor propagate masks'),
);

function pick(
  candidates: VersionedRule[],
  className: string,
  family: KerasFamily,
  version: string,
): ResolvedRule | null {
  const hit = candidates.find((c) => c.family === family && inVersionRange(version, c));
  return hit ? { ...hit.rule, className, family, version, known: true } : null;
}

/** A class the registry does not know: Keras' default for layers that do not declare mask support. */
function unknownRule(className: string, family: KerasFamily, version: string): ResolvedRule {
  return {
    supportsMasking: false,
    output: 'unsupported',
    evidence: 'not in the MaskLens registry',
    className,
    family,
    version,
    known: false,
  };
}

const resolved = new Map<string, ResolvedRule>();

/**
 * The tables are constant: lookups are memoised (the analysis asks once per layer call), and a
 * copy goes out so callers may adjust their own.
 */
function memoised(
  table: string,
  className: string,
  family: KerasFamily,
  version: string,
  rows: () => VersionedRule[],
): ResolvedRule {
  const key = `${table}|${className}|${family}|${version}`;
  let hit = resolved.get(key);
  if (!hit) {
    hit = pick(rows(), className, family, version) ?? unknownRule(className, family, version);
    if (resolved.size < 5_000) resolved.set(key, hit);
  }
  return { ...hit };
}

/** The rule for one layer class under one Keras family and version (default: the reference version). */
export function resolveMaskRule(
  className: string,
  family: KerasFamily,
  version = FAMILIES[family].referenceVersion,
): ResolvedRule {
  return memoised('class', className, family, version, () =>
    Object.hasOwn(MASK_RULES, className) ? MASK_RULES[className] : [],
  );
}

/** What the registry needs to know of a layer to find its rule. */
export interface RuleSubject {
  className: string;
  /** A Keras op node, or a model used as a layer: rows of their own, whatever the class is called. */
  kind?: 'layer' | 'input' | 'op' | 'model';
  /** The layer's config: a wrapper that asks the layer it holds gets that layer's rule too. */
  config?: JsonObject;
  /** A layer class the user's code defines: its own rule, whatever Keras class shares its name. */
  custom?: CustomMaskFacts;
  /** The layer's name, and the model's custom layers by name: the layer itself, or the one a wrapper holds (TimeDistributed(MyLayer())). */
  name?: string;
  customs?: Readonly<Record<string, CustomMaskFacts>>;
  /** The module the class comes from: a layer of a library beside Keras (keras_hub) has its own rows. */
  module?: string;
}

/** The layer a wrapper holds, as its config writes it (a model held there decides with its own layers). */
function heldLayer(config: JsonObject | undefined): { name: string; className: string; config: JsonObject } | null {
  const inner = config?.layer;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner) || typeof inner.class_name !== 'string') return null;
  const innerConfig =
    inner.config && typeof inner.config === 'object' && !Array.isArray(inner.config) ? inner.config : {};
  if (Array.isArray(innerConfig.layers)) return null;
  return {
    name: typeof innerConfig.name === 'string' ? innerConfig.name : 'layer',
    className: inner.class_name,
    config: innerConfig,
  };
}

/** The rule for a layer of a graph: Keras ops and nested models by kind, other layers by class. */
export function ruleFor(
  subject: RuleSubject,
  family: KerasFamily,
  version = FAMILIES[family].referenceVersion,
): ResolvedRule {
  if (subject.kind === 'op') return memoised('op', subject.className, family, version, () => KERAS_OP_RULES);
  if (subject.kind === 'model') return memoised('model', subject.className, family, version, () => NESTED_MODEL_RULES);
  const custom = subject.custom ?? (subject.name !== undefined ? subject.customs?.[subject.name] : undefined);
  if (custom)
    return customRule(custom, family, version, (base) =>
      ruleFor(
        { className: base, kind: subject.kind, config: subject.config, customs: subject.customs },
        family,
        version,
      ),
    );
  const third = subject.module ? thirdPartyEntry(subject.className, subject.module) : undefined;
  if (third) return memoised(`third:${third.library}`, subject.className, family, version, () => third.mask);
  const found = resolveMaskRule(subject.className, family, version);
  const held = found.innerUnsupported === 'raise' ? heldLayer(subject.config) : null;
  if (held)
    found.wrapped = {
      ...held,
      rule: ruleFor(
        { className: held.className, config: held.config, name: held.name, customs: subject.customs },
        family,
        version,
      ),
    };
  return found;
}
