/**
 * Length-bucketed evaluation, the pure half: whether a model's outputs at padded timesteps
 * are what one padded step gives (so a batch can be cut at its longest sequence plus that
 * step), each sample's valid length from the input mask, and the buckets.
 *
 * Why cutting is exact: the padding mask comes from the input (Embedding(mask_zero=True) or
 * Masking), so every padded step holds the same input. Layers that treat each timestep alone
 * map equal steps to equal steps, and an RNN given the mask carries its state (and output, or
 * zeros) unchanged through padded steps. So past a sample's last valid step (before its first,
 * pre-padded) every tensor repeats one value, which the cut batch computes at its one extra
 * padded step. A layer that mixes timesteps (Conv1D, pooling, attention, Flatten, a Lambda)
 * or an RNN that steps through padding unmasked breaks this, and the model is run whole.
 */
import type { JsonValue } from '../ir';
import type { ModelGraph, NodeSpec } from '../graph/modelGraph';

export type PaddingSide = 'post' | 'pre';

/** What marks the padding at the model's input. */
export type PaddingMarker = { kind: 'embedding'; layer: string } | { kind: 'masking'; layer: string; value: number };

/** `marked`: some layer marks padding at the input (else there is nothing to cut, and nothing to say). */
export type BucketDecision = { ok: true; marker: PaddingMarker } | { ok: false; reason: string; marked: boolean };

/** Layers that compute each timestep from that timestep alone (features on the last axis). */
const PER_TIMESTEP = new Set([
  'Dense',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
]);

/** Layers whose axis option must be the last (features) axis. */
const LAST_AXIS = new Set(['Concatenate', 'LayerNormalization', 'BatchNormalization', 'Softmax']);

const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN']);

function isLastAxis(axis: JsonValue | undefined): boolean {
  if (axis === undefined || axis === null) return true;
  if (axis === -1) return true;
  return Array.isArray(axis) && axis.length === 1 && axis[0] === -1;
}

function objectConfig(v: JsonValue | undefined): Record<string, JsonValue> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

/** Why an RNN config is not one whose padded steps repeat (null when it is). */
function recurrentProblem(className: string, config: Record<string, JsonValue>, backward: boolean): string | null {
  if (!RECURRENT.has(className)) return `wraps a ${className || 'layer'}`;
  if (config.return_state === true) return 'returns its states';
  if (config.stateful === true) return 'is stateful';
  if (config.time_major === true) return 'is time-major';
  // A plain backwards RNN returns its steps in reversed order, with its mask not reversed.
  if (!backward && config.go_backwards === true && config.return_sequences === true)
    return 'runs backwards and returns sequences';
  return null;
}

/** Why this node stops bucketing (a sentence fragment naming the layer), or null. */
function nodeProblem(graph: ModelGraph, node: NodeSpec, maskIn: boolean): string | null {
  const spec = graph.layers.get(node.layer);
  if (!spec || spec.kind === 'input') return null;
  const name = `layer '${spec.name}' (${spec.className})`;
  if (spec.kind !== 'layer' || spec.nested) return `${name} is not a layer MaskLens knows to keep timesteps apart`;
  const c = spec.config;
  if (PER_TIMESTEP.has(spec.className)) return null;
  if (spec.className === 'Embedding' || spec.className === 'Masking') return null;
  if (LAST_AXIS.has(spec.className))
    return isLastAxis(c.axis) ? null : `${name} works along an axis other than the features`;
  if (spec.className === 'TimeDistributed') {
    const inner = objectConfig(c.layer);
    const cls = typeof inner?.class_name === 'string' ? inner.class_name : '';
    return PER_TIMESTEP.has(cls) ? null : `${name} wraps a ${cls || 'layer'} MaskLens does not bucket`;
  }
  const recurrent = RECURRENT.has(spec.className) || spec.className === 'Bidirectional';
  if (!recurrent) return `${name} may mix timesteps or see padded steps unmasked`;
  if (node.inputs.length > 1) return `${name} is given initial states`;
  if (!maskIn) return `${name} receives no mask, so it steps through the padding`;
  if (spec.className !== 'Bidirectional') {
    const p = recurrentProblem(spec.className, c, false);
    return p ? `${name} ${p}` : null;
  }
  if (c.merge_mode === null) return `${name} returns two outputs`;
  const forward = objectConfig(c.layer);
  const fc = objectConfig(forward?.config) ?? {};
  if (fc.go_backwards === true) return `${name} runs its forward layer backwards`;
  const fp = recurrentProblem(typeof forward?.class_name === 'string' ? forward.class_name : '', fc, true);
  if (fp) return `${name} ${fp}`;
  const back = objectConfig(c.backward_layer);
  if (back) {
    const bc = objectConfig(back.config) ?? {};
    const bp = recurrentProblem(typeof back.class_name === 'string' ? back.class_name : '', bc, true);
    if (bp) return `${name} ${bp}`;
  }
  return null;
}

/**
 * Whether an evaluation of this model may run in length buckets. `maskIn` tells, per layer
 * call (node id), whether a mask reached it: a model pass shows it, whatever the data's values.
 */
export function bucketDecision(graph: ModelGraph, maskIn: ReadonlyMap<string, boolean>): BucketDecision {
  if (graph.inputs.length !== 1) return { ok: false, reason: 'the model has several inputs', marked: true };
  const input = graph.inputs[0].name;
  const markers: PaddingMarker[] = [];
  for (const node of graph.nodes) {
    if (!node.inputs.some((r) => r.layer === input)) continue;
    const spec = graph.layers.get(node.layer);
    if (spec?.className === 'Embedding' && spec.config.mask_zero === true)
      markers.push({ kind: 'embedding', layer: spec.name });
    if (spec?.className === 'Masking') {
      const v = spec.config.mask_value;
      markers.push({ kind: 'masking', layer: spec.name, value: typeof v === 'number' ? v : 0 });
    }
  }
  if (markers.length === 0)
    return {
      ok: false,
      reason: 'no Embedding(mask_zero=True) or Masking layer reads the input, so no mask marks the padding',
      marked: false,
    };
  if (markers.length > 1) return { ok: false, reason: 'several layers make masks from the input', marked: true };
  for (const node of graph.nodes) {
    const problem = nodeProblem(graph, node, maskIn.get(node.id) === true);
    if (problem) return { ok: false, reason: problem, marked: true };
  }
  return { ok: true, marker: markers[0] };
}

/**
 * Each sample's valid length and which side the padding is on, from the input rows (`steps`
 * timesteps, `inner` values each): null when some sample's valid steps are not one run
 * touching the start (post-padding) or the end (pre-padding), or the samples disagree.
 */
export function validLengths(
  data: ArrayLike<number>,
  samples: number,
  steps: number,
  inner: number,
  marker: PaddingMarker,
): { side: PaddingSide; lengths: Int32Array } | null {
  const lengths = new Int32Array(samples);
  let prefixes = true;
  let suffixes = true;
  for (let s = 0; s < samples; s++) {
    let first = -1;
    let last = -1;
    let count = 0;
    for (let t = 0; t < steps; t++) {
      const base = (s * steps + t) * inner;
      let valid = false;
      if (marker.kind === 'embedding') valid = data[base] !== 0;
      else for (let i = 0; i < inner && !valid; i++) valid = data[base + i] !== marker.value;
      if (!valid) continue;
      if (first < 0) first = t;
      last = t;
      count++;
    }
    lengths[s] = count;
    if (count === 0) continue;
    if (last - first + 1 !== count) return null;
    if (first !== 0) prefixes = false;
    if (last !== steps - 1) suffixes = false;
  }
  if (prefixes) return { side: 'post', lengths };
  if (suffixes) return { side: 'pre', lengths };
  return null;
}

export interface Bucket {
  /** Sample indices (into the chunk), shortest first. */
  rows: number[];
  /** Timesteps this bucket runs: its longest sequence plus one padded step, at most all. */
  cut: number;
}

/** Samples sorted by length into buckets of at most `size`, each cut at its longest sequence + 1 step. */
export function lengthBuckets(lengths: ArrayLike<number>, steps: number, size: number): Bucket[] {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const buckets: Bucket[] = [];
  for (let i = 0; i < order.length; i += size) {
    const rows = order.slice(i, i + size);
    const longest = lengths[rows[rows.length - 1]];
    buckets.push({ rows, cut: Math.min(steps, longest + 1) });
  }
  return buckets;
}
