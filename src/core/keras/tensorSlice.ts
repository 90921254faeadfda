/**
 * Slicing a symbolic Keras tensor (`encoder[:, -1, :]`, `x[:, 1:]`), as Keras records it in
 * the functional graph, so what the slice feeds (an RNN's `initial_state=`, a Dense) gets the
 * sliced values:
 *
 * - Keras 3 (and a traced `call()` in either family): a `GetItem` operation on the tensor and
 *   the key, the key serialized as in a functional config (`__slice__`, `__ellipsis__`);
 * - tf.keras 2: `KerasTensor.__getitem__` wraps `tf.__operators__.getitem` in a
 *   `SlicingOpLambda` layer (a TFOpLambda: no mask leaves it), the key as its `slice_spec=`.
 *
 * Only constant keys (integers, slices of integers, `...`, `None`) are followed; any other
 * stays unknown, as before.
 */
import type { JsonValue } from '../ir';
import type { SubscriptItem } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { graphEpoch, type ArgTree, type NodeObj, type Shape, type TensorObj } from '../objects/modelObjects';
import { asInt, type Value } from '../objects/values';
import { rangeOf, type Syntax } from '../python/syntax';
import { recordedSliceItems, sliceLength as pythonSliceLength } from '../runtime/slicing';
import { newLayer } from './layers';

/** One constant: an integer, or None (`undefined`: not a constant the reader knows). */
function bound(v: Value): number | null | undefined {
  if (v.t === 'none') return null;
  return asInt(v) ?? undefined;
}

/** The key as Keras 3 serializes it; null when an item is not a constant. */
function keyJson(items: SubscriptItem[]): JsonValue[] | null {
  const out: JsonValue[] = [];
  for (const item of items) {
    if (item.kind === 'ellipsis') out.push({ class_name: '__ellipsis__', config: {} });
    else if (item.kind === 'index') {
      const i = bound(item.value);
      if (i === undefined) return null;
      out.push(i);
    } else {
      const [start, stop, step] = [bound(item.start), bound(item.stop), bound(item.step)];
      if (start === undefined || stop === undefined || step === undefined) return null;
      out.push({ class_name: '__slice__', config: { start, stop, step } });
    }
  }
  return out;
}

/** The shape after the key: an index drops its axis, None adds one, a slice of a known size is counted. */
function slicedShape(shape: Shape | null, key: JsonValue[]): Shape | null {
  if (!shape) return null;
  const explicit = key.filter((k) => k !== null && !isEllipsis(k)).length;
  const out: Shape = [];
  let axis = 0;
  for (const k of key) {
    if (k === null) out.push(1);
    else if (isEllipsis(k)) for (let n = shape.length - explicit; n > 0; n--) out.push(shape[axis++] ?? null);
    else if (typeof k === 'number') axis++;
    else {
      const dim = shape[axis++];
      out.push(sliceLength(typeof dim === 'number' ? dim : null, k));
    }
  }
  if (axis > shape.length) return null;
  return [...out, ...shape.slice(axis)];
}

function isEllipsis(k: JsonValue): boolean {
  return typeof k === 'object' && k !== null && !Array.isArray(k) && k.class_name === '__ellipsis__';
}

/** Python's slice length over a dimension (null when the dimension is unknown). */
function sliceLength(dim: number | null, k: JsonValue): number | null {
  const [item] = recordedSliceItems(k) ?? [];
  if (dim === null || item?.kind !== 'range') return null;
  const step = item.step ?? 1;
  return step === 0 ? null : pythonSliceLength(dim, item.start, item.stop, step);
}

/** A node of `className` on the tensor, with the given arguments; its one output has `shape`. */
function sliceNode(
  ctx: Ctx,
  className: string,
  config: Record<string, JsonValue>,
  input: TensorObj,
  args: ArgTree[],
  kwargs: [string, ArgTree][],
  shape: Shape | null,
  at: Syntax,
  op: boolean,
): Value {
  const layer = newLayer(ctx, className, at, true);
  if (op) {
    ctx.layers.pop(); // an operation, not a layer of the file
    layer.op = true;
    layer.module = 'keras.src.ops.numpy';
  }
  layer.range = rangeOf(at);
  layer.config = config;
  const node: NodeObj = {
    layer,
    index: 0,
    args,
    kwargs,
    inputs: [input],
    maskArgs: [],
    outputs: [],
    range: layer.range,
    isInput: false,
  };
  node.outputs.push({ node, index: 0, shape, dtype: input.dtype, symMask: null });
  layer.nodes.push(node);
  graphEpoch.value++;
  return { t: 'tensor', tensor: node.outputs[0] };
}

/** `tensor[key]` on a symbolic tensor as the family records it; null when the key is not constant. */
export function tensorSubscript(ctx: Ctx, tensor: TensorObj, items: SubscriptItem[], at: Syntax): Value | null {
  const key = keyJson(items);
  if (!key || key.length === 0) return null;
  const shape = slicedShape(tensor.shape, key);
  // Keras keeps a single index or slice as it is, a tuple as a list.
  const recorded: JsonValue = key.length === 1 && at.childrenForFieldName('subscript').length === 1 ? key[0] : key;
  if (ctx.family === 'keras3' || ctx.tracing > 0) {
    const config = { name: ctx.namer.unique('get_item') };
    return sliceNode(
      ctx,
      'GetItem',
      config,
      tensor,
      [
        { t: 'tensor', tensor },
        { t: 'json', value: recorded },
      ],
      [],
      shape,
      at,
      true,
    );
  }
  const config = {
    name: ctx.namer.unique('tf.__operators__.getitem'),
    trainable: true,
    dtype: 'float32',
    function: '__operators__.getitem',
  };
  // tf.keras writes a slice in slice_spec as a bare {start, stop, step}.
  const bare = (k: JsonValue): JsonValue =>
    typeof k === 'object' && k !== null && !Array.isArray(k) && k.class_name === '__slice__' ? (k.config ?? null) : k;
  const spec: [string, ArgTree][] = [
    ['slice_spec', { t: 'json', value: Array.isArray(recorded) ? recorded.map(bare) : bare(recorded) }],
  ];
  return sliceNode(ctx, 'SlicingOpLambda', config, tensor, [{ t: 'tensor', tensor }], spec, shape, at, false);
}
