/**
 * The order Keras runs a functional graph's calls in: `ops.function.map_graph` gives every
 * call a depth (its longest distance to an output, shared by all calls of one layer) and
 * `Functional._run_through_graph` runs them deepest first, in the order map_graph met them.
 * The order matters where a call changes what later calls see: Keras 3's MultiHeadAttention
 * deletes its input tensors' masks, so a layer run after it on the same tensor gets none.
 */
import { UserFacingError } from '../protocol/task';
import type { NodeSpec, TensorRef } from './modelGraph';

/** A call and the tensors it depends on, in Keras' flattening order (positional arguments, then keyword arguments by name). */
export interface PendingNode {
  node: NodeSpec;
  dependsOn: TensorRef[];
}

const nodeKey = (r: TensorRef, inputs: ReadonlySet<string>): string =>
  inputs.has(r.layer) ? r.layer : `${r.layer}#${r.node}`;

export function kerasRunOrder(
  model: string,
  pending: PendingNode[],
  inputNames: ReadonlySet<string>,
  outputs: TensorRef[],
): NodeSpec[] {
  const byId = new Map(pending.map((p) => [p.node.id, p]));
  const parentsOf = new Map(pending.map((p) => [p.node.id, p.dependsOn.map((r) => nodeKey(r, inputNames))]));
  // map_graph's depth-first walk from the outputs: nodes in decreasing depth.
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const parent of parentsOf.get(key) ?? []) visit(parent);
    ordered.push(key);
  };
  for (const r of outputs) visit(nodeKey(r, inputNames));
  const layerOf = (key: string): string => byId.get(key)?.node.layer ?? key;
  const nodeDepth = new Map<string, number>();
  const layerDepth = new Map<string, number>();
  for (let i = ordered.length - 1; i >= 0; i--) {
    const key = ordered[i];
    const depth = Math.max(nodeDepth.get(key) ?? 0, layerDepth.get(layerOf(key)) ?? 0);
    nodeDepth.set(key, depth);
    layerDepth.set(layerOf(key), depth);
    for (const parent of parentsOf.get(key) ?? [])
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
  }
  const byDepth = new Map<number, NodeSpec[]>();
  for (const [key, depth] of nodeDepth) {
    const node = byId.get(key)?.node;
    if (!node) continue;
    const list = byDepth.get(depth);
    if (list) list.push(node);
    else byDepth.set(depth, [node]);
  }
  const nodes = [...byDepth.keys()].sort((a, b) => b - a).flatMap((d) => byDepth.get(d) ?? []);
  if (nodes.length === pending.length) return nodes;
  // Calls the outputs do not reach (a config Keras would not write) run last, each after its inputs.
  const reached = new Set(nodes.map((n) => n.id));
  const rest = pending.filter((p) => !reached.has(p.node.id));
  const available = new Set([...inputNames, ...reached]);
  while (rest.length > 0) {
    const i = rest.findIndex((p) => (parentsOf.get(p.node.id) ?? []).every((k) => available.has(k)));
    if (i < 0)
      throw new UserFacingError(
        `cannot order the layers of '${model}': '${rest[0].node.layer}' waits for an input that is never computed`,
        'model-config',
        rest[0].node.layer,
      );
    const [next] = rest.splice(i, 1);
    nodes.push(next.node);
    available.add(next.node.id);
  }
  return nodes;
}
