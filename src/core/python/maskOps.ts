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
 * Which rule applies comes from the mask registry; only the op bookkeeping lives here.
 */
import type { JsonObject } from '../ir';
import { resolveMaskRule } from '../masking/registry';
import type { Ctx } from './context';
import { snake } from './kerasObjects';
import { newLayer } from './layers';
import { collectArgTensors, graphEpoch, type ArgTree, type NodeObj, type Shape, type TensorObj } from './objects';

const NUMPY = 'keras.src.ops.numpy';

function op(ctx: Ctx, at: NodeObj, className: string, config: JsonObject, args: ArgTree[], shape: Shape | null, module = NUMPY): TensorObj {
  const layer = newLayer(ctx, className, null, true);
  ctx.layers.pop();
  layer.op = true;
  layer.module = module;
  layer.range = at.range;
  layer.config = { name: ctx.namer.unique(snake(className)), ...config };
  const inputs: TensorObj[] = [];
  for (const a of args) collectArgTensors(a, inputs);
  const node: NodeObj = { layer, index: 0, args, kwargs: [], inputs, maskArgs: [], outputs: [], range: at.range, isInput: false };
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

/** The tensors of the first positional argument (a tensor, or a list of them). */
function firstArg(node: NodeObj): TensorObj[] | null {
  const first = node.args[0];
  if (!first) return null;
  if (first.t === 'tensor') return [first.tensor];
  if (first.t === 'list' && first.items.every((i) => i.t === 'tensor')) return first.items.map((i) => (i as { tensor: TensorObj }).tensor);
  return null;
}

/** `Concatenate.compute_mask`: masks brought to the inputs' rank, concatenated, then `any` over the last axis. */
function concatenateMask(ctx: Ctx, node: NodeObj, inputs: TensorObj[], axis: number): TensorObj | null {
  if (inputs.every((t) => t.symMask === null)) return null;
  const masks: TensorObj[] = inputs.map((input) => {
    const m = input.symMask;
    if (m === null) return op(ctx, node, 'OnesLike', { dtype: 'bool' }, [T(input)], input.shape);
    const rankM = m.shape?.length;
    const rankI = input.shape?.length;
    if (rankM !== undefined && rankI !== undefined && rankM < rankI) {
      const expanded = op(ctx, node, 'ExpandDims', { axis: -1 }, [T(m)], m.shape ? [...m.shape, 1] : null);
      const zeros = op(ctx, node, 'ZerosLike', { dtype: 'bool' }, [T(input)], input.shape);
      return op(ctx, node, 'LogicalOr', {}, [T(expanded), T(zeros)], input.shape);
    }
    return m;
  });
  const shape = inputs[0]?.shape ? [...(inputs[0].shape as Shape)] : null;
  const cat = op(ctx, node, 'Concatenate', { axis }, [{ t: 'list', items: masks.map(T) }], shape);
  return op(ctx, node, 'Any', { axis: -1, keepdims: false }, [T(cat)], dropLast(shape));
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
  const rule = resolveMaskRule(layer.model ? 'Functional' : layer.className, 'keras3', ctx.version);
  const takesMask = layer.model !== null || rule.callTakesMask === true;
  const first = firstArg(node);
  const single = node.args.length === 1 && node.args[0]?.t === 'tensor' && node.inputs.length === 1 && !userKwargs;
  if (takesMask && single && first) {
    const m = first[0].symMask;
    node.kwargs.push(['mask', m ? T(m) : { t: 'json', value: null }]);
    if (m) node.maskArgs.push(m);
  }
  // A model called on symbolic tensors runs its graph with compute_output_spec: no masks.
  if (layer.model || !first) return;
  const previous = first.map((t) => t.symMask);
  const main = first[0];
  let mask: TensorObj | null = null;
  switch (rule.output) {
    case 'embedding':
      if (layer.config.mask_zero === true) mask = op(ctx, node, 'NotEqual', {}, [T(main), { t: 'json', value: 0 }], main.shape);
      break;
    case 'masking': {
      const value = typeof layer.config.mask_value === 'number' ? layer.config.mask_value : 0;
      const ne = op(ctx, node, 'NotEqual', {}, [T(main), { t: 'json', value }], main.shape);
      mask = op(ctx, node, 'Any', { axis: -1, keepdims: false }, [T(ne)], dropLast(main.shape));
      break;
    }
    case 'identity':
    case 'rnn':
    case 'rnn-wrapper':
      mask = previous[0] ?? null;
      if (rule.output !== 'identity') {
        const c = rule.output === 'rnn' ? layer.config : ((layer.config.layer as JsonObject | undefined)?.config as JsonObject | undefined) ?? {};
        if (c.return_sequences !== true) mask = null;
      }
      break;
    case 'query':
      if (layer.className === 'Attention' || layer.className === 'AdditiveAttention') {
        mask = previous[0] ? op(ctx, node, 'ConvertToTensor', { dtype: null, sparse: null, ragged: null }, [T(previous[0])], previous[0].shape, 'keras.src.ops.core') : null;
      } else mask = previous[0] ?? null;
      break;
    case 'merge-all':
      if (previous.length > 0 && previous.every((m) => m !== null)) {
        mask = previous[0];
        for (const m of previous.slice(1)) mask = op(ctx, node, 'LogicalOr', {}, [T(mask as TensorObj), T(m as TensorObj)], (mask as TensorObj).shape);
      }
      break;
    case 'concatenate':
      mask = concatenateMask(ctx, node, first, typeof layer.config.axis === 'number' ? layer.config.axis : -1);
      break;
    case 'lambda':
      // A mask= callable runs on the symbolic mask; MaskLens keeps the mask tensor it slices.
      mask = layer.config.mask !== undefined && layer.config.mask !== null ? (previous[0] ?? null) : null;
      break;
    default:
      mask = null;
  }
  if (node.outputs[0]) node.outputs[0].symMask = mask;
}
