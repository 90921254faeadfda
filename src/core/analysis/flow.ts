/**
 * Static mask flow: for each layer of a model, whether a mask comes in, whether one goes
 * out (yes, no, or unknown), and what the layer does to it. It walks the same ModelGraph the
 * runtime executes and applies the same mask-rule function, with masks as booleans, for one
 * Keras family and version. A layer whose masking MaskLens cannot know makes its output's
 * mask unknown, and so everything after it that depends on that mask; nested models are
 * followed through their own graphs, as Keras' Functional/Sequential `call` passes masks inside.
 */
import { maskNotFilledIn, refKey, type LayerSpec, type ModelGraph } from '../graph/modelGraph';
import { replayedConcatenateMask } from '../masking/replayedMask';
import type { CustomLayerIR, KerasFamily, LayerSource } from '../ir';
import { supportsMasking, warnsAlthoughCarried, type MaskEvent } from '../masking/apply';
import { presenceRepresentation, type PresenceContext } from '../masking/presence';
import { maskEffect } from '../masking/effect';
import { resolveMaskRule, ruleFor } from '../layers/rules';
import type { ResolvedRule } from '../masking/rules';
import { applyStated, eitherState, type MaskState, type StaticMaskEffect } from '../masking/state';

export type { MaskEvent };

export interface LayerFlow {
  layer: LayerSpec;
  /** What the source says about the layer (null for a config no source was read for). */
  source: LayerSource | null;
  maskIn: MaskState;
  maskOut: MaskState;
  effect: StaticMaskEffect;
  rule: ResolvedRule;
  events: MaskEvent[];
  /** Why the mask leaving this layer is unknown: this layer's own reason, or the layer upstream that made it so. */
  unknownBecause: string | null;
  /** The Keras 3.4-3.11 Concatenate whose broadcast mask this layer's recorded `mask=` replays (it raises). */
  replaysBroadcastOf?: string;
}

export interface ModelFlow {
  layers: LayerFlow[];
  /** Every layer flow, nested models' layers included. */
  all: LayerFlow[];
  /** Per model output: does a mask reach it (and so the loss)? */
  outputMasks: MaskState[];
  /** Why an output's mask is unknown, per output (null where it is known). */
  outputUnknownBecause: (string | null)[];
}

const MAX_NESTING = 16;

/** A layer MaskLens cannot read: why its output mask is unknown. */
export function unknownReason(layer: { name: string; className: string }, rule: ResolvedRule): string {
  return (
    rule.unknownBecause ??
    `MaskLens does not know the layer class ${layer.className} (\`${layer.name}\`), so it cannot tell what it does with masks`
  );
}

function staticEffect(
  rule: ResolvedRule,
  config: LayerSpec['config'],
  maskIn: MaskState,
  maskOut: MaskState,
): StaticMaskEffect {
  if (maskIn === 'unknown' || maskOut === 'unknown') return 'unknown';
  return maskEffect(rule.output, config, maskIn === 'yes', maskOut === 'yes', supportsMasking(rule, config));
}

class FlowState {
  readonly perLayer = new Map<string, LayerFlow>();
  /** Flows of nested models called inside this one. */
  readonly nested: FlowState[] = [];
  /** Per layer: the Concatenate whose broadcast mask its recorded `mask=` replays. */
  readonly replays = new Map<string, string>();

  /** One call of a layer; a layer called several times shows a mask in (out) if any call had one. */
  record(
    layer: LayerSpec,
    source: LayerSource | null,
    maskIn: MaskState,
    rule: ResolvedRule,
    out: MaskState,
    events: MaskEvent[],
    unknownBecause: string | null,
  ): void {
    const prev = this.perLayer.get(layer.name);
    const inAll = prev ? eitherState(prev.maskIn, maskIn) : maskIn;
    const outAll = prev ? eitherState(prev.maskOut, out) : out;
    const merged = [...(prev?.events ?? []), ...events.filter((e) => !prev?.events.includes(e))];
    const why = outAll === 'unknown' ? (prev?.unknownBecause ?? unknownBecause) : null;
    this.perLayer.set(layer.name, {
      layer,
      source,
      maskIn: inAll,
      maskOut: outAll,
      effect: staticEffect(rule, layer.config, inAll, outAll),
      rule,
      events: merged,
      unknownBecause: why,
      ...(this.replays.has(layer.name) ? { replaysBroadcastOf: this.replays.get(layer.name) } : {}),
    });
  }
}

interface Walked {
  layers: LayerFlow[];
  outputMasks: MaskState[];
  outputUnknownBecause: (string | null)[];
  state: FlowState;
}

function walk(
  graph: ModelGraph,
  sources: Record<string, LayerSource>,
  pc: PresenceContext,
  inputMasks: MaskState[],
  inputReasons: (string | null)[],
  depth: number,
): Walked {
  const { family, version } = pc;
  const state = new FlowState();
  if (depth > MAX_NESTING) return { layers: [], outputMasks: [], outputUnknownBecause: [], state };
  const masks = new Map<string, MaskState>();
  const reasons = new Map<string, string>();
  graph.inputRefs.forEach((r, i) => {
    masks.set(refKey(r), inputMasks[i] ?? 'no');
    const why = inputReasons[i];
    if (why) reasons.set(refKey(r), why);
  });
  const inputRule = resolveMaskRule('InputLayer', family, version);
  for (const r of graph.inputRefs) {
    const spec = graph.layers.get(r.layer);
    if (spec)
      state.record(
        spec,
        sources[spec.name] ?? null,
        'no',
        inputRule,
        masks.get(refKey(r)) ?? 'no',
        [],
        reasons.get(refKey(r)) ?? null,
      );
  }
  for (const node of graph.nodes) {
    const spec = graph.layers.get(node.layer);
    if (!spec) continue;
    const arriving = node.inputs.map((r) => masks.get(refKey(r)) ?? 'no');
    const arrivingWhy = node.inputs.map((r) => reasons.get(refKey(r)) ?? null).find((w) => w !== null) ?? null;
    // Keras 3 replays the mask it recorded as a `mask=` argument while building the graph,
    // even where the tensor has lost its mask at run time (MultiHeadAttention deletes its inputs' masks).
    const inMasks: MaskState[] = node.maskArg ? node.maskArg.map(() => 'yes') : arriving;
    const rule = ruleFor({ ...spec, customs: pc.customs }, family, version);
    let out: MaskState[];
    let events: MaskEvent[] = [];
    let why: string | null = null;
    if (rule.output === 'nested' && spec.nested) {
      const inner = walk(
        spec.nested,
        sources[spec.name]?.nested ?? {},
        pc,
        inMasks,
        node.inputs.map(() => arrivingWhy),
        depth + 1,
      );
      state.nested.push(inner.state);
      out = inner.outputMasks;
      why = inner.outputUnknownBecause.find((w) => w !== null) ?? null;
      if (warnsAlthoughCarried(rule, inMasks.includes('yes'), node.inputIsList)) events = ['warns-but-keeps'];
    } else if (!rule.known) {
      out = ['unknown'];
      why = unknownReason(spec, rule);
    } else {
      const outcome = applyStated(presenceRepresentation(pc), {
        layer: spec.name,
        className: spec.className,
        config: spec.config,
        rule,
        inputs: node.inputs,
        masks: inMasks,
        firstArgCount: node.firstArgCount,
        inputIsList: node.inputIsList,
        maskNotFilledIn: maskNotFilledIn(node),
      });
      out = outcome.out;
      events = outcome.events;
      why = out.includes('unknown') ? (outcome.unknownBecause ?? arrivingWhy) : null;
      if (rule.clearsInputMasks) for (const r of node.inputs) masks.set(refKey(r), 'no');
    }
    // A recorded `mask=` argument is replayed when the model runs; one a Keras 3.4-3.11
    // Concatenate built (with broadcast_to) raises there.
    const replayed = replayedConcatenateMask(graph, node, family, version);
    if (replayed !== null) {
      events = [...events, 'broadcast-replay-raises'];
      state.replays.set(spec.name, replayed);
    }
    out.forEach((m, i) => {
      const key = refKey({ layer: node.layer, node: node.nodeIndex, index: i });
      masks.set(key, m);
      if (m === 'unknown' && why) reasons.set(key, why);
    });
    const maskIn: MaskState =
      node.maskArg !== null ? 'yes' : arriving.reduce<MaskState>((a, b) => eitherState(a, b), 'no');
    if (spec.kind !== 'op')
      state.record(
        spec,
        sources[spec.name] ?? null,
        maskIn,
        rule,
        out[0] ?? 'no',
        events,
        out[0] === 'unknown' ? why : null,
      );
  }
  const layers = [...graph.layers.values()]
    .filter((l) => l.kind !== 'op')
    .map((l) => state.perLayer.get(l.name))
    .filter((f): f is LayerFlow => f !== undefined);
  const outputMasks = graph.outputs.map((r) => masks.get(refKey(r)) ?? 'no');
  return {
    layers,
    outputMasks,
    outputUnknownBecause: graph.outputs.map((r, i) =>
      outputMasks[i] === 'unknown' ? (reasons.get(refKey(r)) ?? null) : null,
    ),
    state,
  };
}

function collect(state: FlowState, out: LayerFlow[]): void {
  out.push(...state.perLayer.values());
  for (const n of state.nested) collect(n, out);
}

/** `sources`: the IR's per-layer source facts for this graph's layers; `customs`: its custom layers, by name. */
export function modelFlow(
  graph: ModelGraph,
  sources: Record<string, LayerSource>,
  family: KerasFamily,
  version: string,
  customs: Readonly<Record<string, CustomLayerIR>> = {},
): ModelFlow {
  const { layers, outputMasks, outputUnknownBecause, state } = walk(
    graph,
    sources,
    { family, version, customs },
    [],
    [],
    0,
  );
  const all: LayerFlow[] = [];
  collect(state, all);
  return { layers, all, outputMasks, outputUnknownBecause };
}

/** The loss sees a mask if any output carries one; unknown if none does for sure but one may. */
export function lossMaskState(outputs: MaskState[]): MaskState {
  return outputs.reduce<MaskState>((a, b) => eitherState(a, b), 'no');
}
