/**
 * Masks as booleans (is there one), for the static analysis, including what a custom layer
 * class does: its translated `call` is run over values that only know whether they carry a
 * mask (as Keras' `_keras_mask` on a tensor), the layers it holds applying their own rules
 * through the one mask-rule function, then Keras' `_set_mask_metadata`: a returned tensor
 * keeps the mask it carries; otherwise a layer that supports masking gets its `compute_mask`.
 * Where the answer depends on something only known at run time, `CannotTell` is thrown and
 * the analysis says "unknown".
 */
import { isNestedModel, nestedModelGraph } from '../graph/fromConfig';
import { maskNotFilledIn, refKey, type ModelGraph } from '../graph/modelGraph';
import type { CustomLayerIR, JsonObject, KerasFamily, LambdaExpr } from '../ir';
import { splitPartCount } from '../runtime/splitSizes';
import { ruleFor } from '../layers/rules';
import { applyMaskRule, type MaskCall, type MaskRepresentation } from './apply';

/** The mask of a custom layer's output depends on something MaskLens cannot know statically. */
export class CannotTell extends Error {}

/** A value inside a custom layer's method: a tensor (with or without a mask), None, a list, a plain value, a known boolean. */
type P =
  | { k: 'tensor'; masked: boolean }
  | { k: 'none' }
  | { k: 'list'; items: P[] }
  | { k: 'value' }
  | { k: 'bool'; v: boolean };

const MAX_DEPTH = 12;

export interface PresenceContext {
  family: KerasFamily;
  version: string;
  /** The custom layers of the model, by Keras layer name (layers a custom layer holds included). */
  customs: Readonly<Record<string, CustomLayerIR>>;
}

/** Masks as booleans; models used as layers and custom layers are followed inside (`depth` bounds the nesting). */
export function presenceRepresentation(pc: PresenceContext, depth = 0): MaskRepresentation<unknown, boolean> {
  return {
    none: false,
    isPresent: (m) => m,
    notEqual: () => true,
    reduceLastAxis: (m) => m,
    or: (a, b) => a || b,
    all: (masks) => masks.length > 0,
    onesLike: () => true,
    broadcastLike: (m) => m,
    concatenate: (masks) => masks.length > 0,
    convert: (m) => m,
    // A callable sees previous_mask, which may itself be None: then we cannot say more.
    lambdaMask: () => true,
    nestedModel: (call, masks) => {
      if (!Array.isArray(call.config.layers)) return [false];
      return graphPresence(nestedModelGraph(call.className, 'keras', call.config), masks, pc, depth + 1);
    },
    customMask: (call) => {
      const ir = pc.customs[call.layer];
      if (!ir) throw new CannotTell(`custom layer '${call.layer}' has no record`);
      return customPresence(ir, call, pc, depth + 1);
    },
  };
}

/** The output masks of a model graph (a Sequential a custom layer holds), given its input masks. */
function graphPresence(graph: ModelGraph, inputMasks: boolean[], pc: PresenceContext, depth: number): boolean[] {
  if (depth > MAX_DEPTH) throw new CannotTell('layers nest too deeply');
  const masks = new Map<string, boolean>();
  graph.inputRefs.forEach((r, i) => masks.set(refKey(r), inputMasks[i] ?? false));
  const rep = presenceRepresentation(pc, depth);
  for (const node of graph.nodes) {
    const spec = graph.layers.get(node.layer);
    if (!spec) continue;
    const arriving = node.maskArg
      ? node.maskArg.map(() => true)
      : node.inputs.map((r) => masks.get(refKey(r)) ?? false);
    const rule = ruleFor({ ...spec, customs: pc.customs }, pc.family, pc.version);
    if (!rule.known) throw new CannotTell(rule.unknownBecause ?? `${spec.className} is unknown`);
    const outcome = applyMaskRule(rep, {
      layer: spec.name,
      className: spec.className,
      config: spec.config,
      rule,
      inputs: node.inputs,
      masks: arriving,
      firstArgCount: node.firstArgCount,
      inputIsList: node.inputIsList,
      maskNotFilledIn: maskNotFilledIn(node),
    });
    outcome.out.forEach((m, i) => masks.set(refKey({ layer: node.layer, node: node.nodeIndex, index: i }), m));
    if (outcome.clearsInputMasks) for (const r of node.inputs) masks.set(refKey(r), false);
  }
  return graph.outputs.map((r) => masks.get(refKey(r)) ?? false);
}

const tensor = (masked: boolean): P => ({ k: 'tensor', masked });
const VALUE: P = { k: 'value' };
const NONE: P = { k: 'none' };

function same(a: P, b: P): boolean {
  if (a.k !== b.k) return false;
  if (a.k === 'tensor' && b.k === 'tensor') return a.masked === b.masked;
  if (a.k === 'bool' && b.k === 'bool') return a.v === b.v;
  if (a.k === 'list' && b.k === 'list')
    return a.items.length === b.items.length && a.items.every((x, i) => same(x, b.items[i]));
  return true;
}

/** Tensors in a value, in order (a call's tensor inputs). */
function tensorsIn(p: P): (P & { k: 'tensor' })[] {
  if (p.k === 'tensor') return [p];
  if (p.k === 'list') return p.items.flatMap(tensorsIn);
  return [];
}

/** Keyword arguments that are the layer's tensor inputs, after its first one (MultiHeadAttention's value and key). */
const INPUT_KEYWORDS = ['value', 'key'];
const FIRST_KEYWORDS = ['inputs', 'query', 'x'];

class Evaluation {
  constructor(
    private readonly ir: CustomLayerIR,
    private readonly pc: PresenceContext,
    private readonly depth: number,
  ) {}

  private truth(p: P): boolean | null {
    if (p.k === 'bool') return p.v;
    if (p.k === 'none') return false;
    return null;
  }

  private sublayer(expr: LambdaExpr & { op: 'layer' }, params: P[]): P {
    const held = this.ir.sublayers.find((s) => s.attr === expr.name);
    if (!held) throw new CannotTell(`self.${expr.name} is not a layer ${this.ir.className} holds`);
    const args = expr.args.map((a) => this.eval(a, params));
    const kwargs = Object.fromEntries(Object.entries(expr.kwargs).map(([k, v]) => [k, this.eval(v, params)]));
    const firstKey = FIRST_KEYWORDS.find((k) => kwargs[k] !== undefined);
    const first = args[0] ?? (firstKey ? kwargs[firstKey] : undefined);
    if (!first || first.k === 'none' || first.k === 'value')
      throw new CannotTell(`self.${expr.name} is called without a tensor MaskLens can follow`);
    const inputs = [
      ...tensorsIn(first),
      ...args.slice(1).flatMap(tensorsIn),
      ...INPUT_KEYWORDS.flatMap((k) => (kwargs[k] ? tensorsIn(kwargs[k]) : [])),
    ];
    const explicit = kwargs.mask;
    const masks = explicit && explicit.k !== 'none' ? tensorsIn(explicit).map(() => true) : inputs.map((t) => t.masked);
    const config = held.config.config as JsonObject;
    const name = typeof config.name === 'string' ? config.name : expr.name;
    const module = held.config.module ?? 'keras.layers';
    const kind = isNestedModel(held.config.class_name, module, config) ? 'model' : 'layer';
    const rule = ruleFor(
      { className: held.config.class_name, kind, config, name, customs: this.pc.customs, module },
      this.pc.family,
      this.pc.version,
    );
    if (!rule.known) throw new CannotTell(rule.unknownBecause ?? `${held.config.class_name} is unknown`);
    const call: MaskCall<unknown, boolean> = {
      layer: name,
      className: held.config.class_name,
      config,
      rule,
      inputs,
      masks,
      firstArgCount: tensorsIn(first).length,
      inputIsList: first.k === 'list',
    };
    const outcome = applyMaskRule(presenceRepresentation(this.pc, this.depth), call);
    if (outcome.error) throw new CannotTell(outcome.error);
    if (outcome.clearsInputMasks) for (const t of inputs) t.masked = false;
    const outs = outcome.out.map((m) => tensor(m));
    return outs.length === 1 ? outs[0] : { k: 'list', items: outs };
  }

  eval(expr: LambdaExpr, params: P[]): P {
    switch (expr.op) {
      case 'param':
        return params[expr.index] ?? NONE;
      case 'const':
        return expr.value === null ? NONE : typeof expr.value === 'boolean' ? { k: 'bool', v: expr.value } : VALUE;
      case 'slice': {
        const target = this.eval(expr.target, params);
        if (target.k === 'list') {
          const [item] = expr.items;
          if (expr.items.length === 1 && item.kind === 'index')
            return target.items[item.index < 0 ? item.index + target.items.length : item.index] ?? VALUE;
          if (expr.items.length === 1 && item.kind === 'range')
            return { k: 'list', items: target.items.slice(item.start ?? undefined, item.stop ?? undefined) };
          throw new CannotTell('a list is indexed in a way MaskLens does not follow');
        }
        if (target.k === 'none') throw new CannotTell('None is subscripted (Keras raises a TypeError there)');
        return target.k === 'tensor' ? tensor(false) : VALUE;
      }
      case 'binary': {
        const left = this.eval(expr.left, params);
        const right = this.eval(expr.right, params);
        if (expr.operator === 'and' || expr.operator === 'or') {
          const [a, b] = [this.truth(left), this.truth(right)];
          if (a !== null && b !== null) return { k: 'bool', v: expr.operator === 'and' ? a && b : a || b };
        }
        return left.k === 'tensor' || right.k === 'tensor' ? tensor(false) : VALUE;
      }
      case 'unary': {
        const operand = this.eval(expr.operand, params);
        if (expr.operator === 'not') {
          const t = this.truth(operand);
          if (t !== null) return { k: 'bool', v: !t };
        }
        return operand.k === 'tensor' ? tensor(false) : VALUE;
      }
      case 'isNone': {
        const operand = this.eval(expr.operand, params);
        if (operand.k === 'none') return { k: 'bool', v: true };
        if (operand.k === 'tensor' || operand.k === 'list') return { k: 'bool', v: false };
        return VALUE;
      }
      case 'cond': {
        const test = this.truth(this.eval(expr.test, params));
        if (test !== null) return this.eval(test ? expr.then : expr.else, params);
        const a = this.eval(expr.then, params);
        const b = this.eval(expr.else, params);
        if (!same(a, b)) throw new CannotTell('what it returns depends on a value known only when the layer runs');
        return a;
      }
      case 'self': {
        const step = this.ir.build.find((s) => s.attr === expr.name);
        return step?.value.op === 'call' && step.value.fn === 'add_weight' ? tensor(false) : VALUE;
      }
      case 'layer':
        return this.sublayer(expr, params);
      case 'call': {
        const args = expr.args.map((a) => this.eval(a, params));
        for (const v of Object.values(expr.kwargs))
          if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'op' in v)
            args.push(this.eval(v as LambdaExpr, params));
        if (expr.fn === 'tuple' || expr.fn === 'list') return { k: 'list', items: args };
        if (expr.fn === 'split' || expr.fn === 'split_at' || expr.fn === 'unstack') {
          const n = splitPartCount(expr);
          if (n === null) throw new CannotTell(`${expr.fn} into a number of parts MaskLens cannot read`);
          return { k: 'list', items: Array.from({ length: n }, () => tensor(false)) };
        }
        if (expr.fn === 'shape' || expr.fn === 'ndim' || expr.fn === 'len') return VALUE;
        // Every other backend function makes a new tensor (ops.arange from plain numbers too), without a mask.
        return tensor(false);
      }
    }
  }
}

function outputsOf(p: P): P[] {
  return p.k === 'list' ? p.items : [p];
}

/**
 * The output masks of one call of a custom layer, given the masks arriving on its inputs:
 * Keras' `_set_mask_metadata` over what its `call` returns.
 */
function customPresence(
  ir: CustomLayerIR,
  call: MaskCall<unknown, boolean>,
  pc: PresenceContext,
  depth: number,
): boolean[] {
  if (depth > MAX_DEPTH) throw new CannotTell('layers nest too deeply');
  const evaluation = new Evaluation(ir, pc, depth);
  const firstCount = Math.max(1, call.firstArgCount);
  const inputs = call.masks.slice(0, firstCount).map((m) => tensor(m));
  const first: P = call.inputIsList ? { k: 'list', items: inputs } : (inputs[0] ?? NONE);
  // Tensors passed as further positional arguments (`decoder(context, x)`).
  const more = call.masks.slice(firstCount).map((m) => tensor(m));
  const previous = call.masks.slice(0, firstCount);
  // Keras 3 passes one mask per tensor of the first argument (None where there is none); tf.keras passes None when none has one.
  const maskParam: P = call.inputIsList
    ? pc.family === 'tf-keras2' && !previous.some(Boolean)
      ? NONE
      : { k: 'list', items: previous.map((m) => (m ? tensor(false) : NONE)) }
    : previous[0]
      ? tensor(false)
      : NONE;
  let carried: boolean[] = Array.from({ length: ir.outputs }, () => false);
  if (ir.call.kind === 'function') {
    const tensorParams = ir.call.fn.params.length - 2;
    const positional = [first, ...more].slice(0, tensorParams);
    while (positional.length < tensorParams) positional.push(NONE);
    // Keras 3 passes `mask` only to a call with one tensor argument.
    const mask = ir.callTakesMask && (pc.family === 'tf-keras2' || more.length === 0) ? maskParam : NONE;
    carried = outputsOf(evaluation.eval(ir.call.fn.body, [...positional, mask, { k: 'bool', v: false }])).map(
      (p) => p.k === 'tensor' && p.masked,
    );
  }
  if (!call.rule.supportsMasking || carried.every(Boolean)) return carried;
  const computed =
    ir.computeMask.kind === 'function'
      ? outputsOf(evaluation.eval(ir.computeMask.fn.body, [first, maskParam])).map(
          (p) => p.k === 'tensor' || p.k === 'list',
        )
      : call.inputIsList
        ? previous
        : [previous[0] ?? false];
  return carried.map((c, i) => c || (computed[i] ?? false));
}
