/**
 * The one place a mask rule is applied to a layer call. The static analysis (booleans: is
 * there a mask), the reader's replay of Keras 3's symbolic masks (the ops Keras records) and
 * the runtime (tfjs tensors) all call `applyMaskRule` with their own representation of a
 * mask; every special case (nested models, Keras ops, Lambda's `mask=`, attention clearing
 * its inputs' masks, merges by family, unsupported layers, wrappers asking the wrapped
 * layer) is registry data read here, never re-coded by a caller.
 */
import type { JsonObject } from '../ir';
import { familyBehaviour, INNER_UNSUPPORTED_MESSAGE } from './registry';
import type { ResolvedRule } from './rules';
import { returnsSequences } from './effect';

/** Something the mask did at one call of a layer. */
export type MaskEvent =
  | 'destroyed' // a layer that does not support masking dropped it (keras3: with a warning; tf.keras: silently) or raised
  | 'lambda-dropped' // a Lambda without mask= dropped it
  | 'consumed' // used and not passed on (RNN without return_sequences, pooling)
  | 'merge-dropped' // Keras 3 merging layer with an unmasked input: no output mask
  | 'not-passed' // Keras 3 did not fill in mask= (several tensor arguments): the call ran over padded steps
  | 'list-masks-ignored' // Keras 3.0-3.3: a layer called on a list takes no mask from it, so its output has none
  | 'warns-but-keeps' // Keras 3 warns that a nested model destroys the mask; its own layers carry it
  | 'unmasked-concatenated' // a masked and an unmasked input concatenated: the unmasked one counts as all-true
  | 'raises' // tf.keras TimeDistributed over a layer without mask support: TypeError
  | 'broadcast-replay-raises'; // Keras 3.4-3.11: a Concatenate's recorded mask, replayed here, raises

/**
 * What a representation of masks must do. `V` is what flows between layers (a tensor, a
 * symbolic tensor, nothing), `M` a mask (boolean presence, a symbolic mask, a tensor or null).
 * The rule logic asks only `isPresent`, so a representation that cannot always tell (a
 * three-state analysis) changes the answers at those points, not the rules.
 */
export interface MaskRepresentation<V, M> {
  readonly none: M;
  isPresent(m: M): boolean;
  /** `inputs != value` (Embedding with mask_zero; Masking before its reduction). */
  notEqual(x: V, value: number): M;
  reduceLastAxis(m: M, how: 'any' | 'all'): M;
  or(a: M, b: M): M;
  /** tf.keras merging layers: `all()` over the stacked masks. */
  all(masks: M[]): M;
  /** An all-true mask shaped like `x` (Concatenate's stand-in for an input without one). */
  onesLike(x: V): M;
  /** A mask brought to `x`'s rank (Concatenate: a (batch, time) mask over (batch, time, features)). */
  broadcastLike(m: M, x: V): M;
  concatenate(masks: M[], axis: number): M;
  /** `ops.convert_to_tensor(mask)`: the same mask, recorded as an op by Keras 3. */
  convert(m: M): M;
  /** A Lambda's `mask=` (a constant or a callable over `(inputs, previous_mask)`). */
  lambdaMask(call: MaskCall<V, M>, previous: M): M;
  /** The output masks of a model used as a layer, given the masks it is called with. */
  nestedModel(call: MaskCall<V, M>, masks: M[]): M[];
  /**
   * A custom layer's output masks (`call.rule.custom`): the masks its `call` left on what it
   * returned, else, where the layer supports masking, its `compute_mask` over `previous`.
   */
  customMask(call: MaskCall<V, M>, previous: M[]): M[];
}

export interface MaskCall<V, M> {
  /** The layer's name (for messages) and class, its config and its rule. */
  layer: string;
  className: string;
  config: JsonObject;
  rule: ResolvedRule;
  /** The call's tensor inputs and their masks (an explicit `mask=` argument already in place). */
  inputs: V[];
  masks: M[];
  /** How many of `inputs` the first positional argument holds: Keras' `previous_mask` are theirs. */
  firstArgCount: number;
  /** The first argument is a list (a Lambda over `[a, b]` sees the list). */
  inputIsList: boolean;
  /**
   * The call has several tensor arguments (an RNN given `initial_state=`) and no `mask=`:
   * Keras 3 then fills in no `mask=` (layer.py `__call__`), so a layer whose `call` takes one
   * runs without it, while the output mask still comes from the first argument's mask.
   */
  maskNotFilledIn?: boolean;
}

export interface MaskOutcome<M> {
  /** The masks the layer's `call` receives (none for a layer that does not support masking). */
  passed: M[];
  /** Per output: the first carries the mask, further outputs (an RNN's states) none. */
  out: M[];
  events: MaskEvent[];
  /** What Keras warns (or, in tf.keras, silently does) at this call. */
  warning: string | null;
  /** What Keras raises at this call; the layer is not run. */
  error: string | null;
  /** Keras 3 MultiHeadAttention: the masks of the call's input tensors are deleted afterwards. */
  clearsInputMasks: boolean;
}

function format(template: string, layer: string, className: string): string {
  return template.replace('{layer}', layer).replace('{className}', className);
}

/** Whether this layer, as configured, supports masking (Embedding: only with mask_zero; Keras 3 Lambda: only with mask=). */
export function supportsMasking(rule: ResolvedRule, config: JsonObject): boolean {
  if (!rule.supportsMaskingFrom) return rule.supportsMasking;
  const value = config[rule.supportsMaskingFrom];
  return value !== undefined && value !== null && value !== false;
}

/** tf.keras TimeDistributed asks the wrapped layer's compute_mask, which raises when that layer does not support masking. */
function innerRaises(rule: ResolvedRule): string | null {
  const held = rule.innerUnsupported === 'raise' ? rule.wrapped : undefined;
  // A wrapped layer MaskLens cannot know makes no claim that Keras raises.
  if (
    !held ||
    !held.rule.known ||
    held.rule.supportsMasking ||
    (held.rule.output !== 'unsupported' && held.rule.output !== 'custom')
  )
    return null;
  return format(INNER_UNSUPPORTED_MESSAGE, held.name, held.className);
}

/** The output mask by the rule's kind, from the masks the layer received. */
function outputMasks<V, M>(rep: MaskRepresentation<V, M>, call: MaskCall<V, M>, passed: M[], previous: M[]): M[] {
  const { rule, config } = call;
  const first = previous[0] ?? rep.none;
  switch (rule.output) {
    case 'none':
    case 'consume':
    case 'unsupported':
      return [rep.none];
    case 'identity':
      return [first];
    case 'query':
      return [rule.convertsQueryMask && rep.isPresent(first) ? rep.convert(first) : first];
    case 'embedding':
      return [config.mask_zero === true && call.inputs[0] !== undefined ? rep.notEqual(call.inputs[0], 0) : rep.none];
    case 'masking': {
      // NaN != NaN: Masking(mask_value=nan) masks nothing, as in Keras.
      const value = typeof config.mask_value === 'number' ? config.mask_value : 0;
      return [call.inputs[0] !== undefined ? rep.reduceLastAxis(rep.notEqual(call.inputs[0], value), 'any') : rep.none];
    }
    case 'rnn':
    case 'rnn-wrapper':
      return [returnsSequences(rule.output, config) ? first : rep.none];
    case 'lambda':
      return [config.mask !== null && config.mask !== undefined ? rep.lambdaMask(call, first) : rep.none];
    case 'merge-all': {
      // keras/src/layers/merging/base_merge.py: None as soon as one mask is None, else OR.
      if (previous.length === 0 || !previous.every((m) => rep.isPresent(m))) return [rep.none];
      return [previous.slice(1).reduce((a, b) => rep.or(a, b), previous[0])];
    }
    case 'merge': {
      // tf_keras base_merge.py: all() over the masks that are present.
      const present = previous.filter((m) => rep.isPresent(m));
      return [present.length === 0 ? rep.none : rep.all(present)];
    }
    case 'concatenate': {
      if (!previous.some((m) => rep.isPresent(m))) return [rep.none];
      const full = previous.map((m, i) =>
        rep.isPresent(m) ? rep.broadcastLike(m, call.inputs[i]) : rep.onesLike(call.inputs[i]),
      );
      const axis = typeof config.axis === 'number' ? config.axis : -1;
      return [rep.reduceLastAxis(rep.concatenate(full, axis), rule.reduce ?? 'any')];
    }
    case 'nested':
      return rep.nestedModel(call, passed);
    case 'custom':
      return rep.customMask(call, previous);
  }
}

/**
 * Keras 3 warns that a model used as a layer destroys the mask it receives, though its own
 * layers carry it; not for a list Keras 3.0-3.3 take no mask from.
 */
export function warnsAlthoughCarried(rule: ResolvedRule, arriving: boolean, inputIsList: boolean): boolean {
  return (
    arriving &&
    rule.warnsAlthoughCarried === true &&
    !(inputIsList && familyBehaviour(rule.family, rule.version).listMasks === 'ignored')
  );
}

/**
 * Applies the call's rule: decides which masks the layer receives, what Keras warns or raises,
 * runs the layer (`invoke`, the runtime's) unless Keras would raise, and computes the output
 * masks and what happened to an arriving mask.
 */
export function applyMaskRule<V, M>(
  rep: MaskRepresentation<V, M>,
  call: MaskCall<V, M>,
  invoke?: (passed: M[]) => void,
): MaskOutcome<M> {
  const { rule, config } = call;
  const behaviour = familyBehaviour(rule.family, rule.version);
  // Keras 3.0-3.3 read `previous_mask` off the first argument itself: a list has none, so the
  // layer computes (and warns) as if no mask came in, though `call(mask=...)` still gets them.
  const listIgnored = call.inputIsList && behaviour.listMasks === 'ignored';
  const given = call.masks.slice(0, Math.max(1, call.firstArgCount));
  const previous = listIgnored ? given.map(() => rep.none) : given;
  const arriving = previous.some((m) => rep.isPresent(m));
  const outcome: MaskOutcome<M> = {
    passed: call.masks,
    out: [rep.none],
    events: [],
    warning: null,
    error: null,
    clearsInputMasks: rule.clearsInputMasks === true,
  };
  if (arriving && rule.output === 'lambda' && (config.mask === null || config.mask === undefined)) {
    // A Lambda without mask=: Keras 3 does not support masking there and warns; tf.keras returns None silently.
    outcome.events.push('lambda-dropped');
    outcome.warning = format(behaviour.unsupportedMessage, call.layer, call.className);
  } else if (!supportsMasking(rule, config)) {
    // Keras ops and input layers take no mask and say nothing; other layers warn, drop silently or raise by family.
    if (!rule.callReceivesMask) outcome.passed = call.masks.map(() => rep.none);
    if (arriving && rule.output !== 'none') {
      outcome.events.push('destroyed');
      const message = format(behaviour.unsupportedMessage, call.layer, call.className);
      if (behaviour.unsupportedMask === 'raise') outcome.error = message;
      else outcome.warning = message;
    }
  } else if (arriving && rule.warnsAlthoughCarried) {
    outcome.events.push('warns-but-keeps');
    outcome.warning = format(behaviour.unsupportedMessage, call.layer, call.className);
  }
  if (listIgnored && rule.output !== 'none' && given.some((m) => rep.isPresent(m)))
    outcome.events.push('list-masks-ignored');
  const raised = arriving ? innerRaises(rule) : null;
  if (raised) {
    outcome.events.push('raises');
    outcome.error = raised;
  }
  if (outcome.error) return outcome;
  // What compute_mask sees: nothing for a layer without mask support, nothing from a list Keras 3.0-3.3 ignore.
  const merged = !supportsMasking(rule, config)
    ? previous.map(() => rep.none)
    : listIgnored
      ? previous
      : outcome.passed.slice(0, previous.length);
  if (
    rule.output === 'concatenate' &&
    rule.reduce !== 'all' &&
    merged.some((m) => rep.isPresent(m)) &&
    !merged.every((m) => rep.isPresent(m))
  )
    outcome.events.push('unmasked-concatenated');
  if (call.maskNotFilledIn && rule.callTakesMask) {
    // The call runs without the mask; compute_mask still gets the first argument's.
    outcome.passed = call.masks.map(() => rep.none);
    if (arriving) outcome.events.push('not-passed');
  }
  invoke?.(outcome.passed);
  outcome.out = outputMasks(rep, call, outcome.passed, merged);
  if (rule.output === 'custom' && rep.isPresent(outcome.out[0] ?? rep.none)) {
    // Keras 3 warned, but the tensor the custom call returned still carries its mask.
    outcome.events = outcome.events.filter((e) => e !== 'destroyed');
  }
  if (arriving && !rep.isPresent(outcome.out[0] ?? rep.none) && outcome.events.length === 0) {
    if (rule.output === 'merge-all') outcome.events.push('merge-dropped');
    else if (
      rule.output !== 'none' &&
      rule.output !== 'embedding' &&
      rule.output !== 'lambda' &&
      rule.output !== 'nested'
    )
      outcome.events.push('consumed');
  }
  return outcome;
}
