/**
 * What calling a name of the `keras` namespace builds: `Input` and `InputLayer`, `Sequential`
 * and `Model`, a layer class (merge helpers such as `concatenate` build the layer and call
 * it), and the Keras objects written into configs (initializers, regularizers, constraints,
 * optimizers, losses). Backend ops on symbolic tensors are reported, not followed.
 */
import { anyTensor, kwJson, posJson, type CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { newFunctional } from './functional';
import { constructInputLayer, makeInput } from './inputs';
import { callLayer } from './layerCall';
import { constructLayer } from './layers';
import { CLASS_ALIASES, MERGE_HELPERS } from '../layers/index';
import {
  constraint,
  constraintCall,
  initializer,
  initializerClass,
  kerasObject,
  optimizerClass,
  regularizer,
  regularizerCall,
} from '../layers/kerasObjects';
import { newSequential } from './sequential';
import { rangeOf } from '../python/syntax';
import { asString, unknown, type Value } from '../objects/values';

/** `qual`: a canonical `keras.*` name (interpreter/imports.ts). */
export function callKeras(ctx: Ctx, qual: string, args: CallArgs): Value {
  const parts = qual.split('.');
  const last = parts[parts.length - 1];
  const ns = parts.slice(1, -1).join('.');
  if ((ns === '' || ns === 'layers') && last === 'Input') return makeInput(ctx, args);
  if ((ns === '' || ns === 'layers') && last === 'InputLayer') return constructInputLayer(ctx, args);
  if ((ns === '' || ns === 'models') && last === 'Sequential') return newSequential(ctx, args);
  if ((ns === '' || ns === 'models') && (last === 'Model' || last === 'Functional')) return newFunctional(ctx, args);
  if (ns === 'layers') {
    if (last in MERGE_HELPERS) {
      // `concatenate(inputs, axis)`, `dot(inputs, axes, normalize)`: the arguments after the inputs are the layer's.
      const layerArgs: CallArgs = {
        ...args,
        pos: args.pos.slice(1),
        posNodes: args.posNodes.slice(1),
        kw: new Map([...args.kw].filter(([k]) => k !== 'inputs')),
      };
      const layer = constructLayer(ctx, MERGE_HELPERS[last], layerArgs);
      const inputs = args.pos[0] ?? args.kw.get('inputs');
      const callArgs: CallArgs = {
        ...args,
        pos: inputs ? [inputs] : [],
        posNodes: args.posNodes.slice(0, 1),
        kw: new Map(),
        kwNodes: new Map(),
        kwNameNodes: new Map(),
      };
      return callLayer(ctx, layer, callArgs);
    }
    if (/^[A-Z]/.test(last))
      return {
        t: 'layer',
        layer: constructLayer(ctx, Object.hasOwn(CLASS_ALIASES, last) ? CLASS_ALIASES[last] : last, args),
      };
    return unknown(null, rangeOf(args.node));
  }
  if (ns === 'initializers') {
    const j = /^[A-Z]/.test(last) ? initializerClass(last, kwJson(args)) : initializer(last);
    return j ? { t: 'json', value: j, className: last } : unknown(null);
  }
  if (ns === 'regularizers') {
    const j = regularizerCall(last, posJson(args), kwJson(args)) ?? regularizer(last);
    return j ? { t: 'json', value: j, className: last } : unknown(null);
  }
  if (ns === 'constraints') {
    const j = constraintCall(last, posJson(args), kwJson(args)) ?? constraint(last);
    return j ? { t: 'json', value: j, className: last } : unknown(null);
  }
  if (ns === 'optimizers' || ns.startsWith('optimizers.')) {
    const cls = optimizerClass(last) ?? last;
    return { t: 'json', value: kerasObject('keras.optimizers', cls, kwJson(args)), className: cls };
  }
  if (ns === 'losses' && /^[A-Z]/.test(last)) {
    return { t: 'json', value: kerasObject('keras.losses', last, kwJson(args)), className: last };
  }
  if (ns === 'metrics' && /^[A-Z]/.test(last)) {
    return { t: 'json', value: kerasObject('keras.metrics', last, kwJson(args)), className: last };
  }
  if ((ns === 'models' || ns === 'saving') && last === 'load_model') {
    const path = asString(args.pos[0] ?? args.kw.get('filepath'));
    const saved = path !== null ? ctx.savedModels.get(path) : undefined;
    if (saved && path !== null) {
      const files = (saved.training.weightFiles ??= []);
      if (!files.some((f) => f.path === path && f.how === 'load_model'))
        files.push({ path, how: 'load_model', range: rangeOf(args.node) });
      return { t: 'model', model: saved };
    }
  }
  if (ns === 'callbacks' && last === 'ModelCheckpoint') {
    // Kept for `fit(callbacks=[...])`, which notes the path as the fitted model's weights file.
    const path = asString(args.pos[0] ?? args.kw.get('filepath'));
    return {
      t: 'json',
      value: { class_name: 'ModelCheckpoint', config: path === null ? {} : { filepath: path } },
      className: 'ModelCheckpoint',
    };
  }
  if ((ns === 'models' || ns === 'saving') && (last === 'load_model' || last === 'model_from_json')) {
    ctx.report(
      'unsupported-construct',
      'information',
      `\`${last}\` loads a model MaskLens cannot read from source; open its config (a .keras file's config.json) to analyse it.`,
      rangeOf(args.node),
    );
    return unknown(null, rangeOf(args.node));
  }
  if ((ns === 'backend' || ns === 'ops' || ns.startsWith('ops.')) && anyTensor(args)) reportTensorOp(ctx, qual, args);
  return unknown(null, rangeOf(args.node));
}

/** A Keras or TensorFlow op called on a symbolic tensor: reported, as MaskLens does not follow the mask through it. */
export function reportTensorOp(ctx: Ctx, qual: string, args: CallArgs): void {
  ctx.report(
    'unsupported-construct',
    'information',
    `\`${qual}\` applied directly to a symbolic Keras tensor becomes a Keras operation that MaskLens does not model; the mask is not followed through it. Wrap it in a Lambda layer (with mask=) to make the mask flow explicit.`,
    rangeOf(args.node),
  );
}
