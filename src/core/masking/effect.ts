/**
 * The mask effect of one layer, given its rule, its config and whether a mask arrives.
 * Shared by the static analysis (to predict) and the runtime (to label what it measured).
 */
import type { JsonObject } from '../ir';
import type { MaskEffect, OutputMaskKind } from './rules';

/** Reads `return_sequences` from a recurrent layer or from the layer a wrapper holds. */
export function returnsSequences(kind: OutputMaskKind, config: JsonObject): boolean {
  if (kind === 'rnn') return config.return_sequences === true;
  const inner = config.layer as JsonObject | undefined;
  const innerConfig = (inner?.config ?? {}) as JsonObject;
  return innerConfig.return_sequences === true;
}

/**
 * Whether a layer emits a mask, given its rule and config; `maskIn` is the first input's
 * mask, `anyInputMasked` / `allInputsMasked` describe all inputs (merging layers).
 */
export function emitsMask(kind: OutputMaskKind, config: JsonObject, maskIn: boolean, anyInputMasked = maskIn, allInputsMasked = anyInputMasked): boolean {
  switch (kind) {
    case 'none':
    case 'consume':
    case 'unsupported':
      return false;
    case 'identity':
    case 'query':
    case 'nested':
      return maskIn;
    case 'embedding':
      return config.mask_zero === true;
    case 'masking':
      return true;
    case 'rnn':
    case 'rnn-wrapper':
      return maskIn && returnsSequences(kind, config);
    case 'lambda':
      // A Lambda without mask= emits none; a constant or callable mask emits one
      // (a callable sees previous_mask, which may itself be None: then we cannot say more).
      return config.mask !== null && config.mask !== undefined;
    case 'merge':
    case 'concatenate':
      return anyInputMasked;
    case 'merge-all':
      return allInputsMasked;
  }
}

export function maskEffect(kind: OutputMaskKind, config: JsonObject, maskIn: boolean, maskOut: boolean): MaskEffect {
  if (!maskIn) return maskOut ? 'creates' : 'none';
  if (!maskOut) return kind === 'unsupported' || kind === 'lambda' || kind === 'merge-all' ? 'destroys' : 'consumes';
  if (kind === 'lambda' || kind === 'concatenate' || kind === 'merge' || kind === 'merge-all' || kind === 'masking' || kind === 'embedding') {
    return kind === 'masking' || kind === 'embedding' ? 'creates' : 'transforms';
  }
  return 'propagates';
}
