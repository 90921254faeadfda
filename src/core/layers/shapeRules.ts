/** Pieces the layer entries' shape rules share (Keras' `compute_output_shape` arithmetic). */
import type { JsonObject, JsonValue, LambdaExpr } from '../ir';
import { sliceLength } from '../runtime/slicing';
import type { Dim, Shape, ShapeCall } from './entry';

export const num = (d: Dim | undefined): number | null => (typeof d === 'number' ? d : null);
export const count = (v: JsonValue | undefined): number | null => (typeof v === 'number' ? v : null);

export function intList(v: JsonValue | undefined): number[] | null {
  if (!Array.isArray(v)) return typeof v === 'number' ? [v] : null;
  return v.every((x) => typeof x === 'number') ? (v as number[]) : null;
}

/** The config of the layer a wrapper holds. */
export function innerConfig(config: JsonObject): JsonObject {
  const inner = config.layer as JsonObject | undefined;
  return (inner?.config ?? {}) as JsonObject;
}

/** The output has the input's shape (elementwise layers, merges of equal shapes). */
export const sameShape = (call: ShapeCall): Shape | null => (call.inputs[0] ? [...call.inputs[0]] : null);

export function rnnShape(input: Shape, units: Dim, returnSequences: boolean): Shape {
  return returnSequences ? [input[0] ?? null, input[1] ?? null, units] : [input[0] ?? null, units];
}

/** Steps out of a 1-D convolution or pooling window. */
export function convLength(length: Dim, kernel: number, stride: number, dilation: number, padding: string): Dim {
  const t = num(length);
  if (t === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'same' || padding === 'causal') return Math.ceil(t / stride);
  return Math.floor((t - effective) / stride) + 1;
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
      out.push(
        typeof d === 'number'
          ? sliceLength(d, item.start, item.stop, item.step ?? 1)
          : d === undefined
            ? null
            : item.start === null && item.stop === null && (item.step ?? 1) === 1
              ? d
              : null,
      );
    }
  }
  while (axis < input.length) out.push(input[axis++]);
  return out;
}

/** An RNN's final states with return_state: one (batch, units) tensor per state. */
export function stateShapes(call: ShapeCall, states: number, units: JsonValue | undefined): (Shape | null)[] {
  const input = call.inputs[0];
  return Array.from({ length: states }, () => (input ? [input[0] ?? null, count(units)] : null));
}
