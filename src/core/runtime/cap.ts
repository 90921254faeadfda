/**
 * Results stay small: at most `samplesShown` samples (evenly spread), `timestepsShown`
 * steps and `featuresShown` features of any matrix, with the totals reported beside them.
 */
import type { CapInfo } from '../protocol/runtimeTasks';

export interface Caps {
  samples: number;
  timesteps: number;
  features: number;
}

export function sampleIndices(total: number, shown: number): number[] {
  if (total <= shown) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: shown }, (_, i) => Math.floor((i * total) / shown));
}

export interface Flat {
  shape: number[];
  data: ArrayLike<number>;
}

/** (batch, ...) → [sample][step] for masks and per-timestep losses: everything after the batch axis as steps. */
export function capMatrix(a: Flat, indices: number[], caps: Caps): number[][] {
  const inner = a.shape.slice(1).reduce((x, y) => x * y, 1);
  const steps = Math.min(inner, caps.timesteps);
  return indices.map((s) => Array.from({ length: steps }, (_, t) => Number(a.data[s * inner + t])));
}

/** (batch, time, features) — or (batch, features) — nested and capped; deeper axes fold into features. */
export function capTensor(a: Flat, indices: number[], caps: Caps): number[][] | number[][][] {
  if (a.shape.length <= 2) {
    const f = a.shape[1] ?? 1;
    return indices.map((s) => Array.from({ length: Math.min(f, caps.features) }, (_, j) => Number(a.data[s * f + j])));
  }
  const t = a.shape[1];
  const f = a.shape.slice(2).reduce((x, y) => x * y, 1);
  return indices.map((s) =>
    Array.from({ length: Math.min(t, caps.timesteps) }, (_, i) =>
      Array.from({ length: Math.min(f, caps.features) }, (_, j) => Number(a.data[(s * t + i) * f + j])),
    ),
  );
}

export function capInfo(outputShape: number[], indices: number[], total: number, caps: Caps): CapInfo {
  const t = outputShape.length >= 3 ? outputShape[1] : 1;
  const f = outputShape.length >= 3 ? outputShape.slice(2).reduce((x, y) => x * y, 1) : (outputShape[1] ?? 1);
  return {
    samples: { shown: indices.length, total, indices },
    timesteps: { shown: Math.min(t, caps.timesteps), total: t },
    features: { shown: Math.min(f, caps.features), total: f },
  };
}
