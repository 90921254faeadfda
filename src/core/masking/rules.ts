/**
 * The mask-rule registry's vocabulary. Rules are data: the static analysis reads them to
 * predict masks and the worker's executor reads the same data to compute them, so the two
 * can never disagree. Each `OutputMaskKind` is implemented once by each consumer.
 */
import type { CustomLayerIR, JsonObject, KerasFamily } from '../ir';

export type MaskEffect = 'creates' | 'propagates' | 'transforms' | 'consumes' | 'destroys' | 'none';

/** How a layer's output mask follows from its inputs' masks and its config. */
export type OutputMaskKind =
  /** Never carries a mask out (and takes none in: e.g. InputLayer). */
  | 'none'
  /** Output mask = the first input's mask (Keras' default `compute_mask`). */
  | 'identity'
  /** `mask_zero` ? `inputs != 0` : no mask. */
  | 'embedding'
  /** `any(inputs != mask_value, axis=-1)`; masked timesteps are zeroed in the output. */
  | 'masking'
  /** `return_sequences` ? input mask : none (the layer consumes it). */
  | 'rnn'
  /** Like `rnn`, reading `return_sequences` from the wrapped layer (`config.layer.config`). */
  | 'rnn-wrapper'
  /** Uses the mask, emits none (GlobalAveragePooling1D averages valid steps only). */
  | 'consume'
  /** `mask=None` → none; constant → it; callable → `mask(inputs, previous_mask)`. */
  | 'lambda'
  /** tf.keras merging layers (Add, Multiply, Average, ...): AND of the masks present; none if all are none. */
  | 'merge'
  /**
   * Keras 3 merging layers: none as soon as ONE input has no mask; otherwise the OR of
   * the masks (keras/src/layers/merging/base_merge.py compute_mask).
   */
  | 'merge-all'
  /** Like `merge`, but along `axis`, an input without a mask counts as all-true. */
  | 'concatenate'
  /** The query's (first input's) mask. */
  | 'query'
  /** Does not support masking: an incoming mask is dropped (keras3) or raises (tf-keras2). */
  | 'unsupported'
  /** A model used as a layer: its own graph decides (keras/src/models/functional.py compute_mask). */
  | 'nested'
  /**
   * A layer class the user's code defines: the tensor its `call` returns keeps a mask it
   * already carries; otherwise, if it supports masking, its `compute_mask` (Keras' default:
   * the incoming mask) decides (keras/src/layers/layer.py `_set_mask_metadata`).
   */
  | 'custom';

export interface LayerMaskRule {
  /** Whether the layer accepts an incoming mask at all. */
  supportsMasking: boolean;
  /**
   * The config key Keras sets `supports_masking` from, where the constructor decides it
   * (Embedding: `mask_zero`; Keras 3 Lambda: `mask is not None`): set and not false means
   * supported. Overrides `supportsMasking`.
   */
  supportsMaskingFrom?: string;
  output: OutputMaskKind;
  /** `concatenate`: how the concatenated masks are reduced over the last axis (Keras 3 `any`, tf.keras `all`). */
  reduce?: 'any' | 'all';
  /** `query`: `compute_mask` returns `convert_to_tensor(mask[0])` (an op Keras 3 records), not the mask itself. */
  convertsQueryMask?: boolean;
  /**
   * Wrappers (TimeDistributed): what happens when the wrapped layer does not support
   * masking and a mask arrives. `raise`: tf.keras 2 calls the inner `compute_mask`, which
   * raises `TypeError`; `ignore`: Keras 3 passes the mask through without asking.
   */
  innerUnsupported?: 'raise' | 'ignore';
  /**
   * Keras 3: `call()` has a `mask` parameter, so when the layer is called on one symbolic
   * tensor Keras records the construction-time mask as an explicit `mask=` argument of the
   * node, and replays it at run time (even where the run-time tensor lost its mask).
   */
  callTakesMask?: boolean;
  /**
   * Keras 3 MultiHeadAttention: its `call` deletes the masks of its query/value/key input
   * tensors (`backend.set_keras_mask(query, None)`), so other consumers of those same
   * tensors that run after it see no mask at run time.
   */
  clearsInputMasks?: boolean;
  /**
   * Keras 3 models used as layers: `supports_masking` is False, so `Layer.__call__` warns that
   * the mask is destroyed, yet `call(mask=...)` runs the model's own graph with it and the
   * output keeps the mask its layers compute.
   */
  warnsAlthoughCarried?: boolean;
  /**
   * The layer's `call` receives the incoming mask even when the layer does not support
   * masking (a custom layer whose `call` takes `mask=`; its inputs also keep their masks,
   * which the layers it calls see).
   */
  callReceivesMask?: boolean;
  /**
   * Keras 3.4-3.11 Concatenate: `compute_mask` builds each input's mask with
   * `broadcast_to(expand_dims(mask), shape(input))`. Recorded as a later layer's `mask=`
   * argument (callTakesMask), that op is replayed with the batch size unknown and raises
   * (BroadcastTo: "Attempt to convert a value (None)"), so the model fails when it runs.
   */
  broadcastsRecordedMask?: boolean;
  /** Where this fact comes from (Keras source file or golden fixture); shown in hovers. */
  evidence: string;
}

/**
 * A rule that holds for a range of Keras versions of one family. `from` is inclusive,
 * `until` exclusive; both are dotted versions ("3.16.0"). Absent bounds are open.
 */
export interface VersionedRule {
  family: KerasFamily;
  from?: string;
  until?: string;
  rule: LayerMaskRule;
}

/** What a family does when a layer that does not support masking receives a mask. */
export interface FamilyBehaviour {
  family: KerasFamily;
  /** The version MaskLens' golden tests check against; verdicts name it. */
  referenceVersion: string;
  label: string;
  /**
   * `drop-with-warning`: Keras 3 (`Layer.__call__` warns and destroys the mask);
   * `drop-silently`: tf.keras 2.x from TF 2.2 on (`_set_mask_metadata` returns early for
   * layers without `supports_masking`, so the mask just disappears);
   * `raise`: Keras 2.2-era `__call__` always called `compute_mask`, which raises TypeError.
   */
  unsupportedMask: 'drop-with-warning' | 'drop-silently' | 'raise';
  /** The message Keras prints or raises, with `{layer}` and `{className}` placeholders. */
  unsupportedMessage: string;
  /**
   * The masks of a list passed as the first argument (merges, attention on `[query, value]`):
   * `collected` per tensor and handed to `compute_mask`; `ignored` (Keras 3.0-3.3): the list
   * itself has no mask, so the layer computes, and warns, as if none came in.
   */
  listMasks: 'collected' | 'ignored';
}

/** A family's behaviour over a version range (`from` inclusive, `until` exclusive). */
export interface VersionedFamilyBehaviour {
  from?: string;
  until?: string;
  unsupportedMask: FamilyBehaviour['unsupportedMask'];
  unsupportedMessage: string;
  listMasks: FamilyBehaviour['listMasks'];
  evidence: string;
}

/** A rule as it holds for one layer under one family and version. */
export interface ResolvedRule extends LayerMaskRule {
  className: string;
  family: KerasFamily;
  version: string;
  /** False when MaskLens cannot know what the layer does with masks (a class the registry does not know, a custom layer it cannot read). */
  known: boolean;
  /** Why the layer's masking is unknown, as a clause the analysis shows ("MaskLens cannot translate compute_mask ..."). */
  unknownBecause?: string;
  /** A wrapper that asks the layer it holds (`innerUnsupported: 'raise'`): that layer's name, class and rule. */
  wrapped?: { name: string; className: string; config: JsonObject; rule: ResolvedRule };
  /** A custom layer (`output: 'custom'`): what its class says about masks. */
  custom?: CustomMaskFacts;
}

/** What the mask rules need of a custom layer class (the reader's objects and the IR both have it). */
export type CustomMaskFacts = Pick<
  CustomLayerIR,
  'className' | 'base' | 'supportsMasking' | 'supportsMaskingFrom' | 'callTakesMask' | 'computeMask' | 'call'
>;
