/**
 * Arithmetic of the benchmark models, counted from their architecture: one multiply-add is
 * two FLOPs, matrix products only (gate nonlinearities, masks and the optimizer update are a
 * few percent at these sizes and are left out, which makes the "% of peak" slightly generous).
 * Every timestep is counted, padded ones too: Keras computes them and then selects the carried
 * state. MaskLens's fused LSTM and GRU paths skip the steps after each batch's longest valid
 * prefix, so for it the share of peak is an effective rate (the same work done in less time).
 */

/** One LSTM step for one sample: 4 gates, each [input, state] (f + u) times u weights. */
export function lstmStep(features: number, units: number): number {
  return 2 * 4 * units * (features + units);
}

/** One GRU step for one sample: 3 gates, input (f) and recurrent (u) products of u weights each. */
export function gruStep(features: number, units: number): number {
  return 2 * 3 * units * (features + units);
}

/** A Dense layer applied to one vector. */
export function dense(features: number, units: number): number {
  return 2 * features * units;
}

/** Backward pass ≈ two forward passes (gradients w.r.t. inputs and w.r.t. weights). */
export const TRAIN_FACTOR = 3;

/** W1: Masking → LSTM(128) → LSTM(64) → LSTM(1), 362 timesteps × 24 features; forward FLOPs per sample. */
export function w1ForwardPerSample(): number {
  const timesteps = 362;
  return timesteps * (lstmStep(24, 128) + lstmStep(128, 64) + lstmStep(64, 1));
}

/** W3: Embedding(10000, 128) → Bidirectional(LSTM(64)) → TimeDistributed(Dense(10)), 100 steps; forward FLOPs per sample. */
export function w3ForwardPerSample(): number {
  const timesteps = 100;
  return timesteps * (2 * lstmStep(128, 64) + dense(128, 10));
}

/** W2: Embedding(5, 5) → Dense(3) on 4 timesteps. */
export function w2ForwardPerSample(): number {
  return 4 * dense(5, 3);
}

/** W8: Embedding(10000, 64) → GRU(128) → TimeDistributed(Dense(10)), 200 steps; forward FLOPs per sample. */
export function w8ForwardPerSample(): number {
  const timesteps = 200;
  return timesteps * (gruStep(64, 128) + dense(128, 10));
}
