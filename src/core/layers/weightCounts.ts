/**
 * Weight-count arithmetic the layer entries share: how many values a layer's weights hold for
 * given input shapes, counted as Keras' `count_params()` counts them (every weight, trainable or
 * not). The runtime's memory estimate reads these before any weight is created.
 */
import type { JsonObject, JsonValue } from '../ir';
import type { Dim, Shape } from './entry';
import { num } from './shapeRules';

/** The last dimension of an input, when known. */
export const lastOf = (shape: Shape | null | undefined): number | null =>
  shape && shape.length > 0 ? num(shape[shape.length - 1]) : null;

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

const flag = (config: JsonObject, key: string, fallback: boolean): boolean =>
  typeof config[key] === 'boolean' ? (config[key] as boolean) : fallback;

/** A positive count from a config value, or null. */
function positive(v: JsonValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** LSTM, GRU and SimpleRNN cells (and `RNN(cell)` with their Keras cell classes): kernel, recurrent kernel, bias. */
export function recurrentCellParams(cellClass: string, config: JsonObject, inputDim: number | null): number | null {
  const units = positive(config.units);
  if (units === null || inputDim === null) return null;
  const bias = flag(config, 'use_bias', true);
  const gates = cellClass.startsWith('LSTM')
    ? 4
    : cellClass.startsWith('GRU')
      ? 3
      : cellClass.startsWith('SimpleRNN')
        ? 1
        : 0;
  if (gates === 0) return null;
  // GRU with reset_after (Keras' default) keeps separate input and recurrent biases: shape (2, 3·units).
  const biasRows = gates === 3 && flag(config, 'reset_after', true) ? 2 : 1;
  return gates * units * (inputDim + units) + (bias ? biasRows * gates * units : 0);
}

/** The sizes at `axis` (an int or a list, negative from the end) of a shape; null if one is unknown. */
export function axisSizes(shape: Shape | null, axis: JsonValue | undefined): number[] | null {
  if (!shape) return null;
  const axes = Array.isArray(axis) ? axis : [axis ?? -1];
  const out: number[] = [];
  for (const a of axes) {
    if (typeof a !== 'number') return null;
    const d = num(shape[a < 0 ? shape.length + a : a]);
    if (d === null) return null;
    out.push(d);
  }
  return out;
}

/** BatchNormalization: gamma and beta (when scaled / centred) and the two moving statistics. */
export function batchNormParams(config: JsonObject, input: Shape | null): number | null {
  const sizes = axisSizes(input, config.axis);
  if (!sizes) return null;
  return product(sizes) * (2 + (flag(config, 'scale', true) ? 1 : 0) + (flag(config, 'center', true) ? 1 : 0));
}

/** LayerNormalization: gamma and beta over the normalised axes (rms_scaling keeps gamma only). */
export function layerNormParams(config: JsonObject, input: Shape | null): number | null {
  const sizes = axisSizes(input, config.axis);
  if (!sizes) return null;
  const each = product(sizes);
  if (flag(config, 'rms_scaling', false)) return each;
  return each * ((flag(config, 'scale', true) ? 1 : 0) + (flag(config, 'center', true) ? 1 : 0));
}

/**
 * EinsumDense's kernel and bias shapes, as Keras' `_analyze_split_string` derives them from the
 * equation (`abc,cd->abd` forms, no ellipsis), the input shape and the declared output shape.
 */
export function einsumShapes(
  equation: string,
  inputShape: Shape,
  outputShapeSpec: readonly (number | null)[],
  biasAxes: string | null,
): { kernel: number[]; bias: number[] | null } {
  const m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(equation.replace(/\s/g, ''));
  if (!m) throw new Error(`unsupported einsum equation '${equation}' (ellipsis forms are not supported)`);
  const [, inSpec, wSpec, outSpec] = m;
  const out: Dim[] = [inputShape[0] ?? null, ...outputShapeSpec];
  const inMap = new Map([...inSpec].map((c, i) => [c, i]));
  const outMap = new Map([...outSpec].map((c, i) => [c, i]));
  const kernel = [...wSpec].map((c) => {
    const d = outMap.has(c) ? out[outMap.get(c) as number] : inputShape[inMap.get(c) as number];
    if (typeof d !== 'number') throw new Error(`einsum '${equation}': dimension '${c}' of the kernel is unknown`);
    return d;
  });
  let bias: number[] | null = null;
  if (biasAxes) {
    const first = Math.min(...[...biasAxes].map((c) => outSpec.indexOf(c)));
    bias = [...outSpec.slice(first)].map((c) => (biasAxes.includes(c) ? (out[outMap.get(c) as number] as number) : 1));
  }
  return { kernel, bias };
}

/** MultiHeadAttention's query, key, value and output projections (kernels and, with use_bias, biases). */
export function multiHeadParams(config: JsonObject, inputs: (Shape | null)[]): number | null {
  const [query] = inputs;
  const value = inputs[1] ?? query;
  const key = inputs[2] ?? value;
  const heads = positive(config.num_heads);
  const keyDim = positive(config.key_dim);
  const valueDim = positive(config.value_dim) ?? keyDim;
  const [q, k, v] = [lastOf(query), lastOf(key), lastOf(value)];
  if (heads === null || keyDim === null || valueDim === null || q === null || k === null || v === null) return null;
  const declared = config.output_shape;
  const outDims =
    typeof declared === 'number'
      ? [declared]
      : Array.isArray(declared) && declared.every((d) => typeof d === 'number')
        ? (declared as number[])
        : [q];
  const out = product(outDims);
  const bias = flag(config, 'use_bias', true);
  const projection = (inDim: number, perHead: number) => inDim * heads * perHead + (bias ? heads * perHead : 0);
  return (
    projection(q, keyDim) + projection(k, keyDim) + projection(v, valueDim) + heads * valueDim * out + (bias ? out : 0)
  );
}

/**
 * Values per step and unit the runtime's step-by-step recurrent loop keeps alive within a
 * pass (src/worker/layers/recurrent.ts: the input projection and its per-step slice, the
 * recurrent matMul and sum, each gate and activation, the new states, and the mask's where):
 * everything a tf.tidy scope around the pass, or training's tape, holds until the pass ends.
 * Measured: three stacked LSTMs (128, 64, 1 units) over 362 steps, 208 samples a pass, hold
 * 2.6 GB step by step (the fused kernel, where the mask allows it, holds about a quarter).
 */
const STEP_VALUES: Record<string, number> = { LSTM: 40, GRU: 34, SimpleRNN: 10 };

/** A recurrent layer's (or `RNN(cell)`'s) working values per sample over its whole sequence. */
export function recurrentWorking(cellClass: string, config: JsonObject, input: Shape | null): number | null {
  const units = positive(config.units);
  const steps = input ? num(input[1]) : null;
  const perStep = STEP_VALUES[cellClass.replace(/Cell$/, '')];
  if (units === null || steps === null || perStep === undefined) return null;
  return steps * perStep * units;
}

/**
 * Attention's score matrices per sample: `heads` of (query steps × value steps), each also
 * softmaxed and masked; AdditiveAttention first builds a (query × value × features) sum.
 */
export function attentionWorking(className: string, config: JsonObject, inputs: (Shape | null)[]): number | null {
  const [query] = inputs;
  const value = inputs[1] ?? query;
  const [tq, tv] = [query ? num(query[1]) : null, value ? num(value[1]) : null];
  if (tq === null || tv === null) return null;
  if (className === 'AdditiveAttention') {
    const dim = lastOf(query);
    return dim === null ? null : tq * tv * (2 * dim + 3);
  }
  if (className !== 'MultiHeadAttention') return tq * tv * 3;
  const heads = positive(config.num_heads);
  const keyDim = positive(config.key_dim);
  const valueDim = positive(config.value_dim) ?? keyDim;
  if (heads === null || keyDim === null || valueDim === null) return null;
  return heads * (3 * tq * tv + 2 * (tq + tv) * keyDim + 2 * tv * valueDim);
}
