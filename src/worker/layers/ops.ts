/**
 * Keras 3 functional configs record tensor operations as op nodes (`x[:, 2:]` → GetItem,
 * the propagated Embedding mask → NotEqual). They are Keras Operations, not Layers: they
 * carry no masks.
 */
import type { SliceItem } from '../../core/ir';
import { type ArgValue, type CallContext, type CallExtra, RuntimeLayer, type Tensor } from './base';
import { ExprEvaluator, sliceTensor, type Value } from './lambda';
import { recordedSliceItems } from '../../core/runtime/slicing';

/** `x[key]`'s key as a model config records it, as slice items. */
function sliceItems(raw: ArgValue | undefined): SliceItem[] {
  const items = recordedSliceItems(raw);
  if (!items) throw new Error(`unsupported index ${JSON.stringify(raw)}`);
  return items;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export class OpLayer extends RuntimeLayer {
  call(inputs: Tensor[], _m: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor {
    const { tf } = ctx;
    const [target, ...rest] = extra.args;
    if (this.className === 'GetItem') {
      const raw = rest[0];
      return sliceTensor(tf, target as Tensor, sliceItems(raw), this.name);
    }
    // Keras builds the masks of merged inputs as `ones_like(x, dtype="bool")`: made from the
    // shape alone, they carry no gradient back to x (a cast to bool has none).
    const fill = this.className === 'OnesLike' ? 1 : this.className === 'ZerosLike' ? 0 : null;
    if (fill !== null && this.config.dtype === 'bool' && inputs[0])
      return fill === 1 ? tf.ones(inputs[0].shape, 'bool') : tf.zeros(inputs[0].shape, 'bool');
    const ev = new ExprEvaluator(tf, this.name);
    const kwargs: Record<string, Value> = {};
    for (const [k, v] of Object.entries({ ...this.config, ...extra.kwargs }))
      if (k !== 'name' && k !== 'dtype') kwargs[k] = v as Value;
    const out = ev.asTensor(ev.apply(snake(this.className), extra.args as Value[], kwargs));
    // Ops that make tensors (OnesLike, ZerosLike, Full...) carry their dtype in the config:
    // Keras builds the masks of merged inputs as `ones_like(x, dtype="bool")`.
    const dtype = this.config.dtype;
    if ((dtype === 'bool' || dtype === 'int32' || dtype === 'float32') && out.dtype !== dtype)
      return tf.cast(out, dtype);
    return out;
  }
}

/**
 * tf.keras 2's TFOpLambda: the TensorFlow function it is named after (`config.function`,
 * `math.not_equal`), on the node's arguments; a second operand recorded as `y=` is the second
 * argument.
 */
export class TFOpLambda extends RuntimeLayer {
  call(_inputs: Tensor[], _m: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor {
    const fn = this.str('function', '');
    if (fn === '') this.fail("names no TensorFlow function ('function')", 'model-config');
    const args = [...extra.args] as Value[];
    const kwargs: Record<string, Value> = {};
    for (const [k, v] of Object.entries(extra.kwargs)) if (k !== 'name') kwargs[k] = v as Value;
    if (args.length === 1 && kwargs.y !== undefined) {
      args.push(kwargs.y);
      delete kwargs.y;
    }
    const ev = new ExprEvaluator(ctx.tf, this.name);
    return ev.asTensor(ev.apply(OPERATORS[fn] ?? fn, args, kwargs));
  }
}

/**
 * tf.keras 2's SlicingOpLambda: `x[key]` on a KerasTensor (`tf.__operators__.getitem`), the key
 * recorded as `slice_spec=`.
 */
export class SlicingOpLambda extends RuntimeLayer {
  call(inputs: Tensor[], _m: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor {
    const raw = extra.kwargs.slice_spec;
    if (raw === undefined) this.fail('records no slice (slice_spec)', 'model-config');
    return sliceTensor(ctx.tf, inputs[0], sliceItems(raw), this.name);
  }
}

/** TensorFlow's symbols for Python's `!=` and `==` on tensors. */
const OPERATORS: Record<string, string> = { '__operators__.ne': 'not_equal', '__operators__.eq': 'equal' };
