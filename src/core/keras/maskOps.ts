/**
 * Keras 3 computes masks symbolically while a functional model is built: each layer's
 * `compute_mask` runs on KerasTensors, and the ops it uses (`NotEqual`, `Any`,
 * `LogicalOr`, `Concatenate`, ...) become nodes of the graph. A layer whose `call()` takes
 * `mask=` gets that mask tensor recorded as an argument, which pulls those ops into
 * `model.to_json()`, shifts the layer order, and — because ops share the name counters
 * with layers — renames later layers (`concatenate_2`). This file replays that, per
 * Keras 3.15.1's `compute_mask` implementations, so the IR matches Keras' config and the
 * analysis knows which masks are replayed as arguments at run time.
 *
 * Which rule applies, and how, is the one mask-rule function's (src/core/masking/apply.ts);
 * only the ops each mask primitive records live here.
 */
import type { JsonObject } from '../ir';
import { applyMaskRule, type MaskRepresentation } from '../masking/apply';
import { ruleFor } from '../layers/rules';
import { FIRST_ARGUMENT_NAMES } from '../graph/fromConfig';
import type { Ctx } from '../objects/context';
import { snake } from '../layers/kerasObjects';
import { newLayer } from './layers';
import {
  collectArgTensors,
  graphEpoch,
  type ArgTree,
  type NodeObj,
  type Shape,
  type TensorObj,
} from '../objects/modelObjects';

const NUMPY = 'keras.src.ops.numpy';

function op(
  ctx: Ctx,
  at: NodeObj,
  className: string,
  config: JsonObject,
  args: ArgTree[],
  shape: Shape | null,
  module = NUMPY,
): TensorObj {
  const layer = newLayer(ctx, className, null, true);
  ctx.layers.pop();
  layer.op = true;
  layer.module = module;
  layer.range = at.range;
  layer.config = { name: ctx.namer.unique(snake(className)), ...config };
  const inputs: TensorObj[] = [];
  for (const a of args) collectArgTensors(a, inputs);
  const node: NodeObj = {
    layer,
    index: 0,
    args,
    kwargs: [],
    inputs,
    maskArgs: [],
    outputs: [],
    range: at.range,
    isInput: false,
  };
  const out: TensorObj = { node, index: 0, shape, dtype: 'bool', symMask: null };
  node.outputs.push(out);
  layer.nodes.push(node);
  graphEpoch.value++;
  return out;
}

const T = (tensor: TensorObj): ArgTree => ({ t: 'tensor', tensor });

function dropLast(shape: Shape | null): Shape | null {
  return shape ? shape.slice(0, -1) : null;
}

/** The tensors of the first argument (a tensor, or a list of them; `layer(inputs=x)` gives it by name). */
function firstArg(node: NodeObj): TensorObj[] | null {
  const first = node.args[0] ?? node.kwargs.find(([k]) => FIRST_ARGUMENT_NAMES.includes(k))?.[1];
  if (!first) return null;
  if (first.t === 'tensor') return [first.tensor];
  if (first.t === 'list' && first.items.every((i) => i.t === 'tensor'))
    return first.items.map((i) => (i as { tensor: TensorObj }).tensor);
  return null;
}

/** Keras 3's symbolic masks: each primitive records the op Keras' `compute_mask` uses, at this node. */
function symbolicRepresentation(ctx: Ctx, node: NodeObj): MaskRepresentation<TensorObj, TensorObj | null> {
  const need = (m: TensorObj | null): TensorObj => {
    if (!m) throw new Error('a mask operation was given no mask');
    return m;
  };
  return {
    none: null,
    isPresent: (m) => m !== null,
    notEqual: (x, value) => op(ctx, node, 'NotEqual', {}, [T(x), { t: 'json', value }], x.shape),
    reduceLastAxis: (m, how) =>
      op(
        ctx,
        node,
        how === 'any' ? 'Any' : 'All',
        { axis: -1, keepdims: false },
        [T(need(m))],
        dropLast(need(m).shape),
      ),
    or: (a, b) => op(ctx, node, 'LogicalOr', {}, [T(need(a)), T(need(b))], need(a).shape),
    all: (masks) => {
      const stacked = op(ctx, node, 'Stack', { axis: 0 }, [{ t: 'list', items: masks.map((m) => T(need(m))) }], null);
      return op(ctx, node, 'All', { axis: 0, keepdims: false }, [T(stacked)], need(masks[0] ?? null).shape);
    },
    onesLike: (x) => op(ctx, node, 'OnesLike', { dtype: 'bool' }, [T(x)], x.shape),
    broadcastLike: (m, x) => {
      const mask = need(m);
      const rankM = mask.shape?.length;
      const rankI = x.shape?.length;
      if (rankM === undefined || rankI === undefined || rankM >= rankI) return mask;
      const expanded = op(ctx, node, 'ExpandDims', { axis: -1 }, [T(mask)], mask.shape ? [...mask.shape, 1] : null);
      const zeros = op(ctx, node, 'ZerosLike', { dtype: 'bool' }, [T(x)], x.shape);
      return op(ctx, node, 'LogicalOr', {}, [T(expanded), T(zeros)], x.shape);
    },
    concatenate: (masks, axis) => {
      const first = need(masks[0] ?? null);
      return op(
        ctx,
        node,
        'Concatenate',
        { axis },
        [{ t: 'list', items: masks.map((m) => T(need(m))) }],
        first.shape ? [...first.shape] : null,
      );
    },
    convert: (m) =>
      op(
        ctx,
        node,
        'ConvertToTensor',
        { dtype: null, sparse: null, ragged: null },
        [T(need(m))],
        need(m).shape,
        'keras.src.ops.core',
      ),
    // A mask= callable runs on the symbolic mask; MaskLens keeps the mask tensor it slices.
    lambdaMask: (_call, previous) => previous,
    // A model called on symbolic tensors runs its graph with compute_output_spec: no masks.
    nestedModel: () => [null],
    // A custom layer's symbolic outputs are new tensors (compute_output_spec): only compute_mask attaches a mask.
    customMask: (call, previous) => {
      const computes = call.rule.custom?.computeMask;
      if (!call.rule.supportsMasking || !computes || computes.kind === 'unreadable') return [null];
      if (computes.kind === 'default') return [previous[0] ?? null];
      const body = computes.fn.body;
      if (body.op === 'param' && body.index === 1) return [previous[0] ?? null];
      const [x, value] = body.op === 'call' && body.fn === 'not_equal' ? body.args : [];
      if (
        x?.op === 'param' &&
        x.index === 0 &&
        value?.op === 'const' &&
        typeof value.value === 'number' &&
        call.inputs[0]
      )
        return [
          op(ctx, node, 'NotEqual', {}, [T(call.inputs[0]), { t: 'json', value: value.value }], call.inputs[0].shape),
        ];
      return [null];
    },
  };
}

/**
 * Called for every functional layer call under Keras 3: records the `mask=` argument Keras
 * would record, then attaches the symbolic output masks (creating their ops).
 * `userKwargs`: the call passed keyword arguments, so Keras converted (copied) the kwargs
 * and the mask it fills in is not recorded in the node.
 */
export function symbolicMasks(ctx: Ctx, node: NodeObj, userKwargs: boolean): void {
  const layer = node.layer;
  if (layer.op) return;
  const rule = ruleFor(
    {
      className: layer.className,
      kind: layer.model ? 'model' : 'layer',
      config: layer.config,
      custom: layer.custom ?? undefined,
      module: layer.module,
    },
    'keras3',
    ctx.version,
  );
  const first = firstArg(node);
  const single = node.args.length === 1 && node.args[0]?.t === 'tensor' && node.inputs.length === 1 && !userKwargs;
  if (rule.callTakesMask === true && single && first) {
    const m = first[0].symMask;
    node.kwargs.push(['mask', m ? T(m) : { t: 'json', value: null }]);
    if (m) node.maskArgs.push(m);
  }
  if (!first) return;
  // A mask passed as `mask=` replaces the one the inputs carry (Keras' __call__ uses it as previous_mask).
  const given = node.kwargs.find(([k]) => k === 'mask')?.[1];
  const explicit =
    given?.t === 'tensor'
      ? [given.tensor]
      : given?.t === 'list' && given.items.every((i) => i.t === 'tensor')
        ? given.items.map((i) => (i as { tensor: TensorObj }).tensor)
        : null;
  const masks = explicit && explicit.length === first.length ? explicit : first.map((t) => t.symMask);
  const call = {
    layer: String(layer.config.name),
    className: layer.className,
    config: layer.config,
    rule,
    inputs: first,
    masks,
    firstArgCount: first.length,
    inputIsList: node.args[0]?.t === 'list',
  };
  const outcome = applyMaskRule(symbolicRepresentation(ctx, node), call);
  if (node.outputs[0]) node.outputs[0].symMask = outcome.out[0] ?? null;
}
