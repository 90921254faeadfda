/**
 * Each OutputMaskKind of the shared registry, implemented once as tensor ops. Where Keras
 * families differ inside one kind (concatenate: Keras 3 takes `any` over the last axis of
 * the concatenated masks, tf.keras `all`) the family decides, as the installed sources do.
 */
import type { JsonObject, KerasFamily } from '../core/ir';
import { returnsSequences } from '../core/masking/effect';
import type { OutputMaskKind } from '../core/masking/rules';
import { type CallContext, configNumber, type RuntimeLayer, type Tensor } from './layers/base';
import { Lambda } from './layers/lambda';

export interface MaskInputs {
  kind: OutputMaskKind;
  layer: RuntimeLayer;
  config: JsonObject;
  inputs: Tensor[];
  /** Masks of the inputs as Keras' `previous_mask` sees them. */
  masks: (Tensor | null)[];
  inputIsList: boolean;
  family: KerasFamily;
  ctx: CallContext;
}

function asBool(ctx: CallContext, m: Tensor): Tensor {
  return m.dtype === 'bool' ? m : ctx.tf.cast(m, 'bool');
}

export function computeOutputMask(a: MaskInputs): Tensor | null {
  const { tf } = a.ctx;
  const first = a.masks[0] ?? null;
  switch (a.kind) {
    case 'none':
    case 'consume':
    case 'unsupported':
      return null;
    case 'identity':
    case 'query':
      return first;
    case 'embedding':
      return a.config.mask_zero === true ? tf.notEqual(tf.cast(a.inputs[0], 'float32'), 0) : null;
    case 'masking':
      // NaN != NaN: Masking(mask_value=nan) masks nothing, as in Keras.
      return tf.any(tf.notEqual(a.inputs[0], configNumber(a.config.mask_value) ?? 0), -1);
    case 'rnn':
    case 'rnn-wrapper':
      return returnsSequences(a.kind, a.config) ? first : null;
    case 'lambda':
      if (!(a.layer instanceof Lambda)) return null;
      return a.layer.lambdaMask(a.inputs, first, a.ctx, a.inputIsList);
    case 'merge-all': {
      // keras/src/layers/merging/base_merge.py: None if any mask is None, else OR.
      const present = a.masks.filter((m): m is Tensor => m !== null).map((m) => asBool(a.ctx, m));
      if (present.length !== a.masks.length || present.length === 0) return null;
      return present.slice(1).reduce((x, y) => tf.logicalOr(x, y), present[0]);
    }
    case 'merge': {
      // tf_keras base_merge.py: all() over the masks that are present.
      const present = a.masks.filter((m): m is Tensor => m !== null).map((m) => asBool(a.ctx, m));
      if (present.length === 0) return null;
      return tf.all(tf.stack(present), 0);
    }
    case 'concatenate': {
      if (a.masks.every((m) => m === null)) return null;
      const axis = typeof a.config.axis === 'number' ? a.config.axis : -1;
      const full = a.inputs.map((x, i) => {
        const m = a.masks[i];
        if (!m) return tf.onesLike(x).cast('bool');
        const b = asBool(a.ctx, m);
        return b.rank < x.rank ? tf.broadcastTo(tf.expandDims(b, -1), x.shape) : b;
      });
      const joined = tf.concat(full, axis < 0 ? axis + a.inputs[0].rank : axis);
      return a.family === 'keras3' ? tf.any(joined, -1) : tf.all(joined, -1);
    }
  }
}
