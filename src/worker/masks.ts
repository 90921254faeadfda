/**
 * Masks as tfjs tensors (null: no mask): the runtime's representation for the one mask-rule
 * function of src/core/masking/apply.ts.
 */
import type { MaskCall, MaskRepresentation } from '../core/masking/apply';
import type { CallContext, RuntimeLayer, Tensor } from './layers/base';
import { CustomLayer } from './layers/custom';
import { Lambda } from './layers/lambda';
import { NestedModel } from './model/nested';

export type TensorMask = Tensor | null;

function asBool(ctx: CallContext, m: Tensor): Tensor {
  return m.dtype === 'bool' ? m : ctx.tf.cast(m, 'bool');
}

/** `layers`: the runtime layers by name (a Lambda's `mask=` and a nested model's output mask live on them). */
export function tensorMasks(
  ctx: CallContext,
  layers: ReadonlyMap<string, RuntimeLayer>,
): MaskRepresentation<Tensor, TensorMask> {
  const { tf } = ctx;
  const need = (m: TensorMask): Tensor => {
    if (!m) throw new Error('a mask operation was given no mask');
    return asBool(ctx, m);
  };
  return {
    none: null,
    isPresent: (m) => m !== null,
    notEqual: (x, value) => tf.notEqual(tf.cast(x, 'float32'), value),
    reduceLastAxis: (m, how) => (how === 'any' ? tf.any(need(m), -1) : tf.all(need(m), -1)),
    or: (a, b) => tf.logicalOr(need(a), need(b)),
    all: (masks) => tf.all(tf.stack(masks.map(need)), 0),
    // Made from the shape alone: a mask carries no gradient back to the tensor it is shaped like.
    onesLike: (x) => tf.ones(x.shape, 'bool'),
    broadcastLike: (m, x) => {
      const b = need(m);
      return b.rank < x.rank ? tf.broadcastTo(tf.expandDims(b, -1), x.shape) : b;
    },
    concatenate: (masks, axis) => {
      const all = masks.map(need);
      return tf.concat(all, axis < 0 ? axis + (all[0]?.rank ?? 0) : axis);
    },
    convert: (m) => m,
    lambdaMask: (call: MaskCall<Tensor, TensorMask>, previous) => {
      const layer = layers.get(call.layer);
      // Called on a list, the mask function's previous_mask is the list of the inputs' masks (masks[0] is the first input's).
      const given = call.inputIsList ? call.masks.slice(0, Math.max(1, call.firstArgCount)) : previous;
      return layer instanceof Lambda ? layer.lambdaMask(call.inputs, given, ctx, call.inputIsList) : null;
    },
    nestedModel: (call) => {
      const layer = layers.get(call.layer);
      return [layer instanceof NestedModel ? layer.lastMask : null];
    },
    customMask: (call) => {
      const layer = layers.get(call.layer);
      return layer instanceof CustomLayer ? layer.lastMasks : [null];
    },
  };
}
