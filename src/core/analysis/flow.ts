/**
 * Static mask flow: for each layer of a model, whether a mask comes in, whether one goes
 * out, and what the layer does to it. It walks the same ModelGraph the runtime executes and
 * applies the same mask-rule function, with masks as booleans (is there one), for one Keras
 * family and version. Nested models are followed through their own graphs, as Keras'
 * Functional/Sequential `call` passes masks inside.
 */
import { refKey, type LayerSpec, type ModelGraph } from '../graph/modelGraph';
import type { KerasFamily, LayerSource } from '../ir';
import { applyMaskRule, type MaskEvent, type MaskOutcome, type MaskRepresentation } from '../masking/apply';
import { maskEffect } from '../masking/effect';
import { resolveMaskRule, ruleFor } from '../layers/rules';
import type { MaskEffect, ResolvedRule } from '../masking/rules';

export type { MaskEvent };

export interface LayerFlow {
  layer: LayerSpec;
  /** What the source says about the layer (null for a config no source was read for). */
  source: LayerSource | null;
  maskIn: boolean;
  maskOut: boolean;
  effect: MaskEffect;
  rule: ResolvedRule;
  events: MaskEvent[];
}

export interface ModelFlow {
  layers: LayerFlow[];
  /** Every layer flow, nested models' layers included. */
  all: LayerFlow[];
  /** Per model output: does a mask reach it (and so the loss)? */
  outputMasks: boolean[];
}

const MAX_NESTING = 16;

class FlowState {
  readonly perLayer = new Map<string, LayerFlow>();
  /** Flows of nested models called inside this one. */
  readonly nested: FlowState[] = [];
  constructor(
    readonly family: KerasFamily,
    readonly version: string,
    readonly depth: number,
  ) {}

  /** One call of a layer; a layer called several times shows a mask in (out) if any call had one. */
  record(layer: LayerSpec, source: LayerSource | null, maskIn: boolean, rule: ResolvedRule, outcome: Pick<MaskOutcome<boolean>, 'out' | 'events'>): void {
    const prev = this.perLayer.get(layer.name);
    const inAll = (prev?.maskIn ?? false) || maskIn;
    const outAll = (prev?.maskOut ?? false) || (outcome.out[0] ?? false);
    const events = [...(prev?.events ?? []), ...outcome.events.filter((e) => !prev?.events.includes(e))];
    this.perLayer.set(layer.name, { layer, source, maskIn: inAll, maskOut: outAll, effect: maskEffect(rule.output, layer.config, inAll, outAll), rule, events });
  }
}

/**
 * Masks as booleans: whatever Keras computes, there is a mask or there is none.
 * `nestedModel`: the output masks of a model used as a layer (the flow walks its graph).
 */
export function presenceMasks(nestedModel: MaskRepresentation<unknown, boolean>['nestedModel']): MaskRepresentation<unknown, boolean> {
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
    nestedModel,
  };
}

function walk(graph: ModelGraph, sources: Record<string, LayerSource>, family: KerasFamily, version: string, inputMasks: boolean[], depth: number): { layers: LayerFlow[]; outputMasks: boolean[]; state: FlowState } {
  const state = new FlowState(family, version, depth);
  if (depth > MAX_NESTING) return { layers: [], outputMasks: [], state };
  const masks = new Map<string, boolean>();
  graph.inputRefs.forEach((r, i) => masks.set(refKey(r), inputMasks[i] ?? false));
  const inputRule = resolveMaskRule('InputLayer', family, version);
  for (const r of graph.inputRefs) {
    const spec = graph.layers.get(r.layer);
    if (spec) state.record(spec, sources[spec.name] ?? null, false, inputRule, { out: [masks.get(refKey(r)) ?? false], events: [] });
  }
  const rep = presenceMasks((call, masks) => {
    const nested = graph.layers.get(call.layer)?.nested;
    if (!nested) return [false];
    const inner = walk(nested, sources[call.layer]?.nested ?? {}, family, version, masks, depth + 1);
    state.nested.push(inner.state);
    return inner.outputMasks;
  });
  for (const node of graph.nodes) {
    const spec = graph.layers.get(node.layer);
    if (!spec) continue;
    const arriving = node.inputs.map((r) => masks.get(refKey(r)) ?? false);
    // Keras 3 replays the mask it recorded as a `mask=` argument while building the graph,
    // even where the tensor has lost its mask at run time (MultiHeadAttention deletes its inputs' masks).
    const inMasks = node.maskArg ? node.maskArg.map(() => true) : arriving;
    const rule = ruleFor(spec, family, version);
    const outcome = applyMaskRule(rep, { layer: spec.name, className: spec.className, config: spec.config, rule, inputs: node.inputs, masks: inMasks, firstArgCount: node.firstArgCount, inputIsList: node.inputIsList });
    outcome.out.forEach((m, i) => masks.set(refKey({ layer: node.layer, node: node.nodeIndex, index: i }), m));
    if (outcome.clearsInputMasks) for (const r of node.inputs) masks.set(refKey(r), false);
    if (spec.kind !== 'op') state.record(spec, sources[spec.name] ?? null, arriving.some(Boolean) || node.maskArg !== null, rule, outcome);
  }
  const layers = [...graph.layers.values()].filter((l) => l.kind !== 'op').map((l) => state.perLayer.get(l.name)).filter((f): f is LayerFlow => f !== undefined);
  return { layers, outputMasks: graph.outputs.map((r) => masks.get(refKey(r)) ?? false), state };
}

function collect(state: FlowState, out: LayerFlow[]): void {
  out.push(...state.perLayer.values());
  for (const n of state.nested) collect(n, out);
}

/** `sources`: the IR's per-layer source facts for this graph's layers. */
export function modelFlow(graph: ModelGraph, sources: Record<string, LayerSource>, family: KerasFamily, version: string): ModelFlow {
  const { layers, outputMasks, state } = walk(graph, sources, family, version, [], 0);
  const all: LayerFlow[] = [];
  collect(state, all);
  return { layers, all, outputMasks };
}
