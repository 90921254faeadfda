/**
 * Keras 3 records the mask a layer is called with as its node's `mask=` argument when the
 * layer's `call` takes one, and replays the recorded ops when the model runs. Keras 3.4-3.11's
 * Concatenate builds its mask with broadcast_to over the input's shape; replayed with the batch
 * size unknown, that op raises (BroadcastTo: "Attempt to convert a value (None) to a Tensor"),
 * so such a model fails when it runs. The analysis reports it and the runtime refuses alike.
 */
import type { KerasFamily } from '../ir';
import type { ModelGraph, NodeSpec, TensorRef } from '../graph/modelGraph';
import { resolveMaskRule } from '../layers/rules';

/**
 * For a call that replays a recorded mask a Concatenate of this release built with
 * broadcast_to: the Concatenate layer its data comes from (or '' when it cannot be named);
 * null when the call runs.
 */
export function replayedConcatenateMask(
  graph: ModelGraph,
  node: NodeSpec,
  family: KerasFamily,
  version: string,
): string | null {
  if (!node.maskArg || resolveMaskRule('Concatenate', family, version).broadcastsRecordedMask !== true) return null;
  if (!concatenatesMasks(graph, node.maskArg)) return null;
  return upstreamConcatenate(graph, node) ?? '';
}

/** The sentence both the analysis and the runtime give. */
export function replayedConcatenateMessage(
  layer: string,
  className: string,
  concatenate: string,
  label: string,
): string {
  const from = concatenate ? `\`${concatenate}\` (Concatenate)` : 'a Concatenate';
  return `${label} fails when this model runs: \`${layer}\` (${className}) takes the mask of ${from}, which these releases build with broadcast_to over the input's shape; Keras records that op as ${layer}'s mask= argument and replays it with the batch size unknown (BroadcastTo: "Attempt to convert a value (None) … to a Tensor"). Keras 3.0–3.3 and 3.12 or later run it.`;
}

const producersOf = new WeakMap<ModelGraph, Map<string, NodeSpec>>();

/** Each layer's call by name, built once per graph: both walks below run for every call that replays a mask. */
function producers(graph: ModelGraph): Map<string, NodeSpec> {
  let map = producersOf.get(graph);
  if (!map) {
    map = new Map(graph.nodes.map((n) => [n.layer, n]));
    producersOf.set(graph, map);
  }
  return map;
}

/** Whether recorded mask ops are a Concatenate's compute_mask: they concatenate masks and reduce them with any(). */
function concatenatesMasks(graph: ModelGraph, refs: TensorRef[]): boolean {
  const byLayer = producers(graph);
  const seen = new Set<string>();
  const stack = refs.map((r) => r.layer);
  const found = new Set<string>();
  while (stack.length > 0 && seen.size < 256) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const spec = graph.layers.get(name);
    if (spec?.kind !== 'op') continue;
    found.add(spec.className);
    stack.push(...(byLayer.get(name)?.inputs.map((r) => r.layer) ?? []));
  }
  return found.has('Concatenate') && found.has('Any');
}

/** The Concatenate layer a call's data comes from, through the layers before it (first inputs). */
function upstreamConcatenate(graph: ModelGraph, node: NodeSpec): string | null {
  const byLayer = producers(graph);
  let at: NodeSpec | undefined = node;
  for (let step = 0; at && step < 64; step++) {
    const from: string | undefined = at.inputs[0]?.layer;
    if (!from) return null;
    const spec = graph.layers.get(from);
    if (spec?.className === 'Concatenate' && spec.kind === 'layer') return from;
    at = byLayer.get(from);
  }
  return null;
}
