/**
 * Synthetic data from the model's input shape when the user gave none: seeded, random
 * valid lengths, pre or post padding with the value the model masks (Masking's
 * mask_value, or 0 for Embedding(mask_zero=True)). Always labelled synthetic.
 */
import type { NdArray } from '../runtime/array';
import { Rng } from './random';

export interface SyntheticInput {
  /** Per-sample shape (no batch axis), every dimension resolved. */
  shape: number[];
  /** Token ids for an Embedding: values in [1, vocab). */
  vocab: number | null;
  padValue: number;
}

export interface SyntheticOptions {
  samples: number;
  minLength: number;
  /** 0: full length. */
  maxLength: number;
  padding: 'pre' | 'post';
  seed: number;
  /** Called between samples, so a task cancelled while it makes a large data set stops (by throwing). */
  checkpoint?: () => void;
}

export interface SyntheticInputs {
  arrays: NdArray[];
  /** Valid steps per sample (of the first input's time axis), or null if it has none. */
  lengths: number[] | null;
}

/** The first axis is time when a sample has ≥ 2 axes, or 1 axis of token ids. */
function timeSteps(input: SyntheticInput): number | null {
  if (input.shape.length >= 2 || (input.shape.length === 1 && input.vocab !== null)) return input.shape[0];
  return null;
}

export function syntheticInputs(inputs: SyntheticInput[], o: SyntheticOptions): SyntheticInputs {
  const rng = new Rng(o.seed);
  const steps = inputs.map(timeSteps);
  const longest = Math.max(0, ...steps.map((s) => s ?? 0));
  const hi = o.maxLength > 0 ? Math.min(o.maxLength, longest) : longest;
  const lo = Math.min(Math.max(1, o.minLength), hi);
  const lengths = longest > 0 ? Array.from({ length: o.samples }, () => rng.int(lo, hi + 1)) : null;
  const arrays = inputs.map((input, k) => {
    const perSample = input.shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(o.samples * perSample);
    const T = steps[k];
    const perStep = T ? perSample / T : perSample;
    for (let s = 0; s < o.samples; s++) {
      if (s % 64 === 0) o.checkpoint?.();
      const len = T && lengths ? Math.min(lengths[s], T) : (T ?? 0);
      for (let i = 0; i < perSample; i++) {
        const t = T ? Math.floor(i / perStep) : 0;
        const valid = !T || (o.padding === 'post' ? t < len : t >= T - len);
        const v = input.vocab !== null ? rng.int(1, Math.max(2, input.vocab)) : rng.normal();
        data[s * perSample + i] = valid ? v : input.padValue;
      }
    }
    return {
      shape: [o.samples, ...input.shape],
      kind: input.vocab !== null ? 'int' : 'float',
      data,
      sourceDtype: 'synthetic',
    } as NdArray;
  });
  return { arrays, lengths };
}

/** Targets shaped like the model's output, with values the loss accepts. */
export function syntheticTargets(outputShape: number[], lossId: string, seed: number): NdArray {
  const rng = new Rng(seed);
  const classes = outputShape[outputShape.length - 1];
  if (lossId === 'sparse_categorical_crossentropy') {
    const shape = outputShape.slice(0, -1);
    const n = shape.reduce((a, b) => a * b, 1);
    return {
      shape,
      kind: 'int',
      data: Float64Array.from({ length: n }, () => rng.int(0, classes)),
      sourceDtype: 'synthetic',
    };
  }
  const n = outputShape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  if (lossId === 'categorical_crossentropy' || lossId === 'kl_divergence' || lossId === 'categorical_hinge') {
    for (let i = 0; i < n / classes; i++) data[i * classes + rng.int(0, classes)] = 1;
  } else {
    for (let i = 0; i < n; i++) {
      if (lossId === 'binary_crossentropy' || lossId === 'hinge' || lossId === 'squared_hinge')
        data[i] = rng.next() < 0.5 ? 0 : 1;
      else if (lossId === 'poisson' || lossId === 'mean_squared_logarithmic_error') data[i] = rng.uniform(0, 2);
      else if (lossId === 'mean_absolute_percentage_error') data[i] = rng.uniform(0.5, 2) * (rng.next() < 0.5 ? -1 : 1);
      else data[i] = rng.normal();
    }
  }
  return { shape: [...outputShape], kind: 'float', data, sourceDtype: 'synthetic' };
}
