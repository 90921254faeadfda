/**
 * The mask rule of a layer class the user's code defines, from what its class says: Keras'
 * `supports_masking` (a class attribute, set in `__init__`, or true because `compute_mask` is
 * overridden), its `compute_mask`, and whether `call` takes `mask=`. Checked against Keras
 * 3.15.1 (keras/src/layers/layer.py `__call__`, `_set_mask_metadata`) and tf-keras 2.21
 * (tf_keras/src/engine/base_layer.py, same two steps) by the golden corpus files c40-c43.
 */
import type { KerasFamily } from '../ir';
import { rule } from '../masking/rows';
import type { CustomMaskFacts, ResolvedRule } from '../masking/rules';

const SUPPORT_EVIDENCE: Record<CustomMaskFacts['supportsMaskingFrom'], string> = {
  'class attribute': 'its class sets supports_masking',
  __init__: 'its __init__ sets self.supports_masking',
  compute_mask: 'it overrides compute_mask, so Keras sets supports_masking = True',
  default: 'it neither sets supports_masking nor overrides compute_mask, so Keras sets supports_masking = False',
};

/** Why MaskLens cannot tell the mask a custom layer's output carries, or null when it can. */
export function customUnknownBecause(facts: CustomMaskFacts): string | null {
  if (facts.computeMask.kind === 'unreadable')
    return `the compute_mask of ${facts.className} cannot be read (${facts.computeMask.reason})`;
  if (facts.call.kind === 'unreadable' && facts.call.mayReturnMasked && !alwaysMasks(facts)) {
    return `the call of ${facts.className} cannot be read (${facts.call.reason}), and the tensor it returns may already carry a mask`;
  }
  return null;
}

/** Backend functions that always return a tensor: a compute_mask returning one always gives a mask. */
const MASK_MAKING = new Set(['not_equal', 'equal', 'any', 'all', 'logical_and', 'logical_or', 'logical_not']);

/**
 * Whether the layer's output carries a mask whatever its `call` returns: it supports masking
 * and its `compute_mask` returns a tensor made from its input unconditionally (Keras'
 * `_set_mask_metadata` attaches it to an output that has none, and an output that already
 * carries one keeps that).
 */
function alwaysMasks(facts: CustomMaskFacts): boolean {
  if (!facts.supportsMasking || facts.computeMask.kind !== 'function' || facts.call.kind !== 'unreadable') return false;
  const body = facts.computeMask.fn.body;
  return body.op === 'call' && MASK_MAKING.has(body.fn);
}

/**
 * The rule of a custom layer under one family. `base`: a Keras class it derives from without
 * overriding masking, whose rule it keeps (with the custom class name).
 */
export function customRule(
  facts: CustomMaskFacts,
  family: KerasFamily,
  version: string,
  baseRule: (className: string) => ResolvedRule,
): ResolvedRule {
  if (facts.base) return { ...baseRule(facts.base), className: facts.className, custom: facts };
  const why = customUnknownBecause(facts);
  // tf.keras' __call__ reads the private `_supports_masking`, which a class attribute shadowing
  // the property does not set: the layer behaves as its compute_mask alone decides.
  const ignored = family === 'tf-keras2' && facts.supportsMaskingFrom === 'class attribute';
  const supports = ignored ? facts.computeMask.kind !== 'default' : facts.supportsMasking;
  const computes =
    facts.computeMask.kind === 'function'
      ? 'its compute_mask decides the output mask'
      : "Keras' default compute_mask passes the incoming mask on";
  const support = ignored
    ? 'its class sets supports_masking, which tf.keras does not read (base_layer.py uses _supports_masking)'
    : SUPPORT_EVIDENCE[facts.supportsMaskingFrom];
  const evidence = `class ${facts.className} in this file: ${support}; a tensor its call returns keeps the mask it carries, otherwise ${supports ? computes : 'no mask is attached'}`;
  return {
    ...rule(supports, 'custom', evidence),
    // Keras 3 records the mask as an explicit argument of the node when `call` takes `mask=`.
    ...(family === 'keras3' && facts.callTakesMask ? { callTakesMask: true } : {}),
    callReceivesMask: true,
    className: facts.className,
    family,
    version,
    known: why === null,
    ...(why === null ? {} : { unknownBecause: why }),
    custom: facts,
  };
}
