/**
 * What a layer did to the mask, given its rule and whether a mask came in and went out.
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

/** `supports`: whether the layer supports masking (a custom layer that does not destroys the mask; one that does consumes it). */
export function maskEffect(
  kind: OutputMaskKind,
  config: JsonObject,
  maskIn: boolean,
  maskOut: boolean,
  supports = true,
): MaskEffect {
  if (!maskIn) return maskOut ? 'creates' : 'none';
  if (!maskOut)
    return kind === 'unsupported' || kind === 'lambda' || kind === 'merge-all' || (kind === 'custom' && !supports)
      ? 'destroys'
      : 'consumes';
  if (
    kind === 'lambda' ||
    kind === 'concatenate' ||
    kind === 'merge' ||
    kind === 'merge-all' ||
    kind === 'masking' ||
    kind === 'embedding'
  ) {
    return kind === 'masking' || kind === 'embedding' ? 'creates' : 'transforms';
  }
  return 'propagates';
}
