/** What each layer does to the mask, in a few words: the side view's tree and the saved-model editor say it alike, never by icon or colour alone. */
import type { StaticMaskEffect } from './state';

export const MASK_EFFECT_WORDS: Record<StaticMaskEffect, string> = {
  creates: 'creates a mask',
  propagates: 'passes the mask on',
  transforms: 'transforms the mask',
  consumes: 'uses the mask, passes none on',
  destroys: 'drops the mask',
  none: 'no mask',
  unknown: 'unknown what it does to the mask',
};

/** How a model's verdict reads: whether a mask reaches the loss, and whether that matters for this model. */
export interface LossVerdict {
  text: string;
  tone: 'ok' | 'bad' | 'unknown' | 'info';
}

export function lossVerdict(m: {
  loss: string | null;
  lossMasked: 'yes' | 'no' | 'unknown';
  outputPerTimestep: boolean | null;
}): LossVerdict {
  const where = m.loss ? `the ${m.loss} loss` : 'the output';
  if (m.lossMasked === 'yes') return { text: `mask reaches ${where}`, tone: 'ok' };
  if (m.lossMasked === 'unknown') return { text: `unknown whether a mask reaches ${where}`, tone: 'unknown' };
  if (!m.loss) return { text: 'no mask at the output', tone: 'info' };
  if (m.outputPerTimestep === false) return { text: `one output per sequence: no mask needed at ${where}`, tone: 'ok' };
  return { text: `no mask reaches ${where}`, tone: 'bad' };
}
