/**
 * What the static analysis can say about a mask at one tensor: Keras attaches one, Keras
 * attaches none, or MaskLens cannot know (a layer whose masking it cannot read sits
 * upstream). An unknown mask is never reported as missing: a false alarm costs more trust
 * than a missed one.
 */
import { applyMaskRule, type MaskCall, type MaskEvent, type MaskOutcome, type MaskRepresentation } from './apply';
import { CannotTell } from './presence';
import type { MaskEffect } from './rules';

export type MaskState = 'yes' | 'no' | 'unknown';

/** A layer's effect as the analysis states it: the runtime's effects, or unknown. */
export type StaticMaskEffect = MaskEffect | 'unknown';

export const stateOf = (present: boolean): MaskState => (present ? 'yes' : 'no');

/** Several calls of one layer: a mask on any call is a mask; otherwise any unknown call leaves it unknown. */
export function eitherState(a: MaskState, b: MaskState): MaskState {
  if (a === 'yes' || b === 'yes') return 'yes';
  return a === 'unknown' || b === 'unknown' ? 'unknown' : 'no';
}

/** What every scenario agrees on: the same presence in all of them, else unknown. */
function agreed(values: boolean[]): MaskState {
  if (values.every(Boolean)) return 'yes';
  return values.some(Boolean) ? 'unknown' : 'no';
}

/** More unknown input masks than this and the outcome is unknown without trying every combination. */
const MAX_UNKNOWN_INPUTS = 6;

export interface StatedOutcome {
  out: MaskState[];
  /** Events that happen whatever the unknown masks are (a claim MaskLens can stand behind). */
  events: MaskEvent[];
  /** Why the outcome is unknown where the layer itself makes it so (a custom layer's output decided at run time). */
  unknownBecause?: string;
}

/**
 * Applies a rule to a call whose input masks may be unknown: every combination of the unknown
 * masks is tried with the boolean representation, and what holds in all of them is the
 * answer. A known rule with known inputs is one ordinary application.
 */
export function applyStated(
  rep: MaskRepresentation<unknown, boolean>,
  call: MaskCall<unknown, MaskState>,
): StatedOutcome {
  const unknownAt = call.masks.flatMap((m, i) => (m === 'unknown' ? [i] : []));
  if (unknownAt.length > MAX_UNKNOWN_INPUTS) return { out: ['unknown'], events: [] };
  const outcomes: MaskOutcome<boolean>[] = [];
  for (let combination = 0; combination < 2 ** unknownAt.length; combination++) {
    const masks = call.masks.map((m, i) => {
      const slot = unknownAt.indexOf(i);
      return slot >= 0 ? (combination & (2 ** slot)) !== 0 : m === 'yes';
    });
    try {
      outcomes.push(applyMaskRule(rep, { ...call, masks }));
    } catch (error) {
      if (!(error instanceof CannotTell)) throw error;
      return {
        out: ['unknown'],
        events: [],
        unknownBecause: `MaskLens cannot tell the mask \`${call.layer}\` (${call.className}) returns: ${error.message}`,
      };
    }
  }
  const width = Math.max(...outcomes.map((o) => o.out.length));
  const out = Array.from({ length: width }, (_, i) => agreed(outcomes.map((o) => o.out[i] ?? false)));
  const events = (outcomes[0]?.events ?? []).filter((e) => outcomes.every((o) => o.events.includes(e)));
  return { out, events };
}
