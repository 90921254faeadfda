/**
 * The four ways a per-timestep loss can be reduced to one number, and which Keras versions
 * compute each. The worker computes all four; the panel, the CLI and the output channel
 * label them from this table.
 */
export const REDUCTION_IDS = ['none', 'valid-mean', 'total-mean', 'sequence-mean'] as const;
export type ReductionId = (typeof REDUCTION_IDS)[number];

export interface ReductionInfo {
  id: ReductionId;
  label: string;
  /** The formula over per-timestep losses L (batch × time) and the output mask m. */
  formula: string;
  /** Which Keras versions report this number from `fit`/`evaluate`. */
  kerasVersions: string;
}

export const REDUCTIONS: Record<ReductionId, ReductionInfo> = {
  none: {
    id: 'none',
    label: 'Unmasked mean',
    formula: 'mean(L)',
    kerasVersions: 'any Keras when the mask does not reach the loss; tfjs-layers fit/evaluate',
  },
  'valid-mean': {
    id: 'valid-mean',
    label: 'Mean over valid steps',
    formula: 'sum(L·m) / sum(m)',
    kerasVersions: 'Keras 3; tf.keras ≥ 2.10; standalone Keras 2.0–2.3 without sample weights',
  },
  'total-mean': {
    id: 'total-mean',
    label: 'Masked sum over all steps',
    formula: 'sum(L·m) / count(L)',
    kerasVersions: 'tf.keras 2.0–2.9 (the diluted loss of tensorflow/tensorflow#34491)',
  },
  'sequence-mean': {
    id: 'sequence-mean',
    label: 'Mean of per-sequence valid means',
    formula: 'mean over samples of sum(L·m)/sum(m) per sample',
    kerasVersions: 'no Keras default; what a per-sequence metric reports',
  },
};
