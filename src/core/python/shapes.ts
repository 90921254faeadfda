/**
 * Output shapes of the catalogued layers, as Keras' `compute_output_shape` gives them.
 * They fill `keras_tensor` shapes in the IR and let diagnostics reason about axes (a
 * Masking layer over a 2-D input, a Lambda slicing the time axis). Unknown stays `null`.
 */
import type { JsonObject, JsonValue, LambdaExpr } from '../ir';
import { sliceLength } from './arrays';
import type { Dim, LayerObj, Shape } from './objects';

const num = (d: Dim | undefined): number | null => (typeof d === 'number' ? d : null);

function intList(v: JsonValue | undefined): number[] | null {
  if (!Array.isArray(v)) return typeof v === 'number' ? [v] : null;
  return v.every((x) => typeof x === 'number') ? (v as number[]) : null;
}

function innerConfig(config: JsonObject): JsonObject {
  const inner = config.layer as JsonObject | undefined;
  return (inner?.config ?? {}) as JsonObject;
}

function rnnStates(className: string): number {
  return className === 'LSTM' ? 2 : 1;
}

/** How many tensors one call of this layer returns. */
export function outputCount(layer: LayerObj, kwargs: Map<string, JsonValue | undefined>): number {
  const c = layer.config;
  if (['LSTM', 'GRU', 'SimpleRNN'].includes(layer.className) && c.return_state === true) return 1 + rnnStates(layer.className);
  if (layer.className === 'Bidirectional' && innerConfig(c).return_state === true) {
    const inner = (c.layer as JsonObject | undefined)?.class_name;
    return 1 + 2 * rnnStates(String(inner));
  }
  if (layer.className === 'MultiHeadAttention' && kwargs.get('return_attention_scores') === true) return 2;
  return 1;
}

function conv(length: Dim, kernel: number, stride: number, dilation: number, padding: string): Dim {
  const t = num(length);
  if (t === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'same' || padding === 'causal') return Math.ceil(t / stride);
  return Math.floor((t - effective) / stride) + 1;
}

function rnnShape(input: Shape, units: Dim, returnSequences: boolean): Shape {
  return returnSequences ? [input[0] ?? null, input[1] ?? null, units] : [input[0] ?? null, units];
}

/** Applies a Lambda body that is a pure slice of its input (`x[:, N:, :]`) to a shape. */
export function lambdaShape(body: LambdaExpr | null, input: Shape): Shape | null {
  if (!body) return null;
  if (body.op === 'param' && body.index === 0) return input;
  if (body.op !== 'slice' || body.target.op !== 'param' || body.target.index !== 0) return null;
  const out: Shape = [];
  let axis = 0;
  const explicit = body.items.filter((i) => i.kind === 'index' || i.kind === 'range').length;
  for (const item of body.items) {
    if (item.kind === 'ellipsis') {
      for (let k = 0; k < input.length - explicit; k++) out.push(input[axis++] ?? null);
    } else if (item.kind === 'newaxis') out.push(1);
    else if (item.kind === 'index') axis++;
    else {
      const d = input[axis++];
      out.push(typeof d === 'number' ? sliceLength(d, item.start, item.stop, item.step ?? 1) : d === undefined ? null : item.start === null && item.stop === null && (item.step ?? 1) === 1 ? d : null);
    }
  }
  while (axis < input.length) out.push(input[axis++]);
  return out;
}

export function outputShapes(layer: LayerObj, inputs: (Shape | null)[], count: number): (Shape | null)[] {
  const main = outputShape(layer, inputs);
  const out: (Shape | null)[] = [main];
  const c = layer.config;
  const input = inputs[0];
  for (let i = 1; i < count; i++) {
    if (layer.className === 'MultiHeadAttention' && input) {
      const value = inputs[1] ?? input;
      out.push([input[0] ?? null, typeof c.num_heads === 'number' ? c.num_heads : null, input[1] ?? null, value[1] ?? null]);
    } else if (input) {
      const units = layer.className === 'Bidirectional' ? innerConfig(c).units : c.units;
      out.push([input[0] ?? null, typeof units === 'number' ? units : null]);
    } else out.push(null);
  }
  return out;
}

function outputShape(layer: LayerObj, inputs: (Shape | null)[]): Shape | null {
  const c = layer.config;
  const input = inputs[0];
  if (layer.model) return null;
  switch (layer.className) {
    case 'Masking':
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'GaussianNoise':
    case 'Activation':
    case 'ReLU':
    case 'Softmax':
    case 'BatchNormalization':
    case 'LayerNormalization':
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return input ? [...input] : null;
    case 'Embedding':
      return input ? [...input, typeof c.output_dim === 'number' ? c.output_dim : null] : null;
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN':
      return input ? rnnShape(input, typeof c.units === 'number' ? c.units : null, c.return_sequences === true) : null;
    case 'Bidirectional': {
      if (!input) return null;
      const inner = innerConfig(c);
      const units = typeof inner.units === 'number' ? inner.units : null;
      const merged = c.merge_mode === 'concat' && units !== null ? units * 2 : units;
      return rnnShape(input, merged, inner.return_sequences === true);
    }
    case 'TimeDistributed': {
      if (!input || !layer.inner) return null;
      const inner = outputShape(layer.inner, [[input[0] ?? null, ...input.slice(2)]]);
      return inner ? [input[0] ?? null, input[1] ?? null, ...inner.slice(1)] : null;
    }
    case 'Dense':
      return input ? [...input.slice(0, -1), typeof c.units === 'number' ? c.units : null] : null;
    case 'Lambda': {
      const fromBody = input ? lambdaShape(layer.lambda?.fn?.body ?? null, input) : null;
      if (fromBody) return fromBody;
      const declared = intList(c.output_shape);
      return declared && input ? [input[0] ?? null, ...declared] : null;
    }
    case 'Flatten': {
      if (!input) return null;
      const rest = input.slice(1);
      const n = rest.every((d) => typeof d === 'number') ? (rest as number[]).reduce((a, b) => a * b, 1) : null;
      return [input[0] ?? null, n];
    }
    case 'Reshape': {
      const target = intList(c.target_shape);
      if (!target || !input) return null;
      const rest = input.slice(1);
      const total = rest.every((d) => typeof d === 'number') ? (rest as number[]).reduce((a, b) => a * b, 1) : null;
      const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      return [input[0] ?? null, ...target.map((d) => (d === -1 ? (total !== null && known ? total / known : null) : d))];
    }
    case 'RepeatVector':
      return input ? [input[0] ?? null, typeof c.n === 'number' ? c.n : null, input[1] ?? null] : null;
    case 'Permute': {
      const dims = intList(c.dims);
      return input && dims ? [input[0] ?? null, ...dims.map((d) => input[d] ?? null)] : null;
    }
    case 'Conv1D': {
      if (!input) return null;
      const [k] = intList(c.kernel_size) ?? [1];
      const [s] = intList(c.strides) ?? [1];
      const [d] = intList(c.dilation_rate) ?? [1];
      return [input[0] ?? null, conv(input[1] ?? null, k, s, d, String(c.padding)), typeof c.filters === 'number' ? c.filters : null];
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      if (!input) return null;
      const [p] = intList(c.pool_size) ?? [2];
      const [s] = intList(c.strides) ?? [p];
      const t = num(input[1]);
      const steps = t === null ? null : c.padding === 'same' ? Math.ceil(t / s) : Math.floor((t - p) / s) + 1;
      return [input[0] ?? null, steps, input[2] ?? null];
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      if (!input) return null;
      return c.keepdims === true ? [input[0] ?? null, 1, input[2] ?? null] : [input[0] ?? null, input[input.length - 1] ?? null];
    case 'Concatenate': {
      if (inputs.some((s) => !s) || !input) return null;
      const axis = typeof c.axis === 'number' ? c.axis : -1;
      const rank = input.length;
      const at = axis < 0 ? rank + axis : axis;
      const out: Shape = [...input];
      const dims = inputs.map((s) => (s as Shape)[at]);
      out[at] = dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a + b, 0) : null;
      return out;
    }
    case 'Attention':
    case 'AdditiveAttention': {
      const value = inputs[1] ?? input;
      return input && value ? [...input.slice(0, -1), value[value.length - 1] ?? null] : null;
    }
    case 'MultiHeadAttention': {
      if (!input) return null;
      const declared = intList(c.output_shape);
      return [...input.slice(0, -1), ...(declared ?? [input[input.length - 1] ?? null])];
    }
    default:
      return null;
  }
}
