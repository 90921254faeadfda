/**
 * Length-bucketed evaluation, the pure half: whether a model's outputs at padded timesteps
 * are what one padded step gives (so a batch can be cut at its longest sequence plus that
 * step), each sample's valid length from the input mask, and the buckets.
 *
 * Why cutting is exact: the padding mask comes from the input (Embedding(mask_zero=True) or
 * Masking), so every padded step holds the same input. Layers, Lambda bodies and recorded Keras
 * ops that compute each timestep from that timestep alone map equal steps to equal steps, and
 * an RNN given the mask carries its state (and output, or zeros) unchanged through padded
 * steps. So past a sample's last valid step (before its first, pre-padded) every tensor
 * repeats one value, which the cut batch computes at its one extra padded step. A tensor
 * without time (an RNN's last output, pooling over time) is then the same in a cut pass:
 * masked averaging leaves the padded steps out, and the maximum over one padded step is the
 * maximum over many. A slice from a fixed step N on (`x[:, N:]`, the mask sliced alike) keeps
 * this when the cut keeps N more padded steps: post-padded, one padded step is left after the
 * slice; pre-padded, the N steps the slice drops are padding in the cut as in the whole. A
 * layer that mixes timesteps (Conv1D, attention, Flatten, averaging the padding in, a slice
 * counted from the end) or an RNN that steps through padding unmasked breaks this, and the
 * model is run whole.
 */
import type { JsonObject, JsonValue, LambdaIR } from '../ir';
import { type CallArg, type LayerSpec, type ModelGraph, type NodeSpec, refKey } from '../graph/modelGraph';
import { recordedSliceItems } from './slicing';
import { called, exprTime, type ExprValue, MixesSteps, sliced, type Timed, type TimeState } from './timeAxis';

export type PaddingSide = 'post' | 'pre';

/** What marks the padding at the model's input. */
export type PaddingMarker = { kind: 'embedding'; layer: string } | { kind: 'masking'; layer: string; value: number };

/** `marked`: some layer marks padding at the input (else there is nothing to cut, and nothing to say). */
export type BucketDecision =
  { ok: true; marker: PaddingMarker; drop: number } | { ok: false; reason: string; marked: boolean };

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

/** Pooling over time to one vector per sample. */
const POOLING = new Set(['GlobalAveragePooling1D', 'GlobalMaxPooling1D']);

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

/** What one pass of the model showed: enough to follow the time axis through it. */
export interface PassFacts {
  /** Per layer call (node id): whether a mask reached it (a model pass shows it, whatever the data's values). */
  maskIn: ReadonlyMap<string, boolean>;
  /** Per tensor (refKey: the model's inputs and each call's first output): its shape without the batch axis. */
  shapes: ReadonlyMap<string, readonly number[]>;
  /** Translated Lambda functions, by layer name. */
  lambdas: Readonly<Record<string, LambdaIR>>;
}

/** A call's output, or why this node stops bucketing (a sentence fragment naming the layer). */
type NodeOutcome = { state: TimeState } | { problem: string };
type TimedOutcome = { state: Timed } | { problem: string };

function rankOf(facts: PassFacts, node: NodeSpec): number | null {
  const shape = facts.shapes.get(refKey({ layer: node.layer, node: node.nodeIndex, index: 0 }));
  return shape ? shape.length + 1 : null;
}

/** Tensors over time cut the same way (a merge, a per-step layer): their common state. */
function sameTime(states: TimeState[], name: string): TimedOutcome {
  const timed = states.filter((s): s is Timed => s.kind === 'time');
  if (timed.length !== states.length)
    return { problem: `${name} combines tensors over time steps with tensors without` };
  if (timed.some((s) => s.drop !== timed[0].drop))
    return { problem: `${name} combines tensors sliced differently in time` };
  return { state: timed[0] };
}

function nodeOutcome(graph: ModelGraph, node: NodeSpec, states: TimeState[], facts: PassFacts): NodeOutcome {
  const spec = graph.layers.get(node.layer);
  const name = spec ? `layer '${spec.name}' (${spec.className})` : `layer '${node.layer}'`;
  const rank = rankOf(facts, node);
  if (!spec || rank === null) return { problem: `${name} was not seen in the model's pass` };
  // Inputs without time are the same in a cut pass, and so is what any layer makes of them.
  if (states.every((s) => s.kind === 'static')) return { state: { kind: 'static', rank } };
  if (spec.kind === 'op') return exprOutcome(name, rank, () => opTime(node, states, spec.className, spec.config, name));
  const problem = timeProblem(node, spec, facts.maskIn.get(node.id) === true, name);
  if (problem) return { problem };
  const time = sameTime(states, name);
  if ('problem' in time) return time;
  const drop = time.state.drop;
  const c = spec.config;
  if (spec.className === 'Lambda') return lambdaOutcome(facts, node, spec.name, time.state, rank, name);
  // A masked RNN returning its last output, and pooling over time, leave no time axis.
  const sequences =
    spec.className === 'Bidirectional'
      ? objectConfig(objectConfig(c.layer)?.config)?.return_sequences
      : c.return_sequences;
  if (RECURRENT.has(spec.className) || spec.className === 'Bidirectional')
    return { state: sequences === true ? { kind: 'time', rank, drop } : { kind: 'static', rank } };
  if (POOLING.has(spec.className)) return { state: { kind: 'static', rank } };
  return { state: { kind: 'time', rank, drop } };
}

/** An outcome computed by the expression walk, checked against the pass' own rank. */
function exprOutcome(name: string, rank: number, walk: () => ExprValue): NodeOutcome {
  try {
    const out = walk();
    if (out.kind !== 'time' && out.kind !== 'static')
      return { problem: `${name} returns something that is not a tensor` };
    if (out.rank !== rank) return { problem: `${name}'s output rank is not the one MaskLens follows` };
    return { state: out };
  } catch (error) {
    if (error instanceof MixesSteps) return { problem: error.message };
    throw error;
  }
}

/** A recorded Keras op (NotEqual for an Embedding's mask, GetItem for `x[:, 2:]`), as a call on its arguments. */
function opTime(node: NodeSpec, states: TimeState[], className: string, config: JsonObject, name: string): ExprValue {
  const byRef = new Map(node.inputs.map((r, i) => [refKey(r), states[i]]));
  const value = (a: CallArg): ExprValue => {
    if (a.kind === 'tensor') return byRef.get(refKey(a.ref)) ?? { kind: 'none' };
    if (a.kind === 'list') return { kind: 'list', items: a.items.map(value) };
    return { kind: 'const', value: a.value };
  };
  const [target, ...rest] = node.args.map(value);
  if (className === 'GetItem') {
    const raw = node.args[1];
    const items = raw?.kind === 'const' ? recordedSliceItems(raw.value) : null;
    if (!target || !items) throw new MixesSteps(`${name} slices with indices MaskLens cannot read`);
    return sliced(target, items, name);
  }
  const kwargs: Record<string, ExprValue> = {};
  for (const [k, v] of Object.entries({ ...config, ...node.kwargs }))
    if (k !== 'name' && k !== 'dtype') kwargs[k] = { kind: 'const', value: v };
  const fn = className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return called(fn, target ? [target, ...rest] : rest, kwargs, name);
}

/**
 * A Lambda's body over its input, and its mask function over the input and the mask that
 * reaches it: both step by step, and the mask cut like the output (else the loss would
 * meet a mask shifted against the steps it masks).
 */
function lambdaOutcome(
  facts: PassFacts,
  node: NodeSpec,
  layer: string,
  input: Timed,
  rank: number,
  name: string,
): NodeOutcome {
  const ir = facts.lambdas[layer];
  if (!ir?.fn) return { problem: `${name} has a body MaskLens could not translate` };
  if (node.inputs.length !== 1) return { problem: `${name} is given several tensors` };
  const body = ir.fn.body;
  const out = exprOutcome(name, rank, () => exprTime(body, [input], name));
  if ('problem' in out) return out;
  const mask = ir.mask;
  if (mask.kind === 'none' || (mask.kind === 'constant' && mask.value === null)) return out;
  if (out.state.kind !== 'time') return { problem: `${name} gives a mask to an output without time steps` };
  if (mask.kind === 'constant') return { problem: `${name} has a constant mask, which a cut pass cannot cut` };
  const previous: ExprValue =
    facts.maskIn.get(node.id) === true ? { kind: 'time', rank: 2, drop: input.drop } : { kind: 'none' };
  const fn = mask.fn.body;
  const m = exprOutcome(`${name}'s mask`, 2, () => exprTime(fn, [input, previous], `${name}'s mask`));
  if ('problem' in m) return m;
  if (m.state.kind !== 'time' || m.state.drop !== out.state.drop)
    return { problem: `${name}'s mask is not sliced in time as its output is` };
  return out;
}

/** Why a layer given tensors over time stops bucketing (null when it keeps steps apart). */
function timeProblem(node: NodeSpec, spec: LayerSpec, maskIn: boolean, name: string): string | null {
  if (spec.kind !== 'layer' || spec.nested) return `${name} is not a layer MaskLens knows to keep timesteps apart`;
  const c = spec.config;
  if (PER_TIMESTEP.has(spec.className) || spec.className === 'Lambda') return null;
  if (spec.className === 'Embedding' || spec.className === 'Masking') return null;
  if (LAST_AXIS.has(spec.className))
    return isLastAxis(c.axis) ? null : `${name} works along an axis other than the features`;
  if (spec.className === 'TimeDistributed') {
    const inner = objectConfig(c.layer);
    const cls = typeof inner?.class_name === 'string' ? inner.class_name : '';
    return PER_TIMESTEP.has(cls) ? null : `${name} wraps a ${cls || 'layer'} MaskLens does not bucket`;
  }
  if (POOLING.has(spec.className)) {
    if (c.data_format === 'channels_first') return `${name} pools channels-first data`;
    // Averaging padded steps weighs each by how many there are, which the cut changes; the
    // mask leaves them out. The maximum over one padded step is the maximum over many.
    if (spec.className === 'GlobalAveragePooling1D' && !maskIn)
      return `${name} receives no mask, so it averages the padding in`;
    return null;
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
 * Whether an evaluation of this model may run in length buckets, and how many leading steps
 * the model's time slices drop at most (each bucket's cut keeps that many more padded steps).
 */
export function bucketDecision(graph: ModelGraph, facts: PassFacts): BucketDecision {
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
  const walk = timeWalk(graph, facts);
  if (walk.problems.length > 0) return { ok: false, reason: walk.problems[0], marked: true };
  return { ok: true, marker: markers[0], drop: walk.drop };
}

/**
 * The time axis followed through every call: what stops bucketing (every call that does; a
 * survey of models lists them all, the decision names the first), and the most leading steps
 * a tensor has lost to slices. A call after one that stops bucketing is not judged.
 */
export function timeWalk(graph: ModelGraph, facts: PassFacts): { problems: string[]; drop: number } {
  const states = new Map<string, TimeState>();
  for (const r of graph.inputRefs) {
    const shape = facts.shapes.get(refKey(r));
    if (shape) states.set(refKey(r), { kind: 'time', rank: shape.length + 1, drop: 0 });
  }
  const problems: string[] = [];
  // Calls judged already to stop bucketing: what reads their outputs is not judged again.
  const stopped = new Set<string>();
  let drop = 0;
  for (const node of graph.nodes) {
    const refs = [...node.inputs, ...(node.maskArg ?? [])];
    if (refs.some((r) => stopped.has(`${r.layer}#${r.node}`))) {
      stopped.add(`${node.layer}#${node.nodeIndex}`);
      continue;
    }
    const given = refs.map((r) => states.get(refKey(r)));
    const outcome = given.every((s): s is TimeState => s !== undefined)
      ? nodeOutcome(graph, node, given, facts)
      : { problem: `layer '${node.layer}' reads a tensor MaskLens does not follow through the cut (a second output)` };
    if ('problem' in outcome) {
      problems.push(outcome.problem);
      stopped.add(`${node.layer}#${node.nodeIndex}`);
      continue;
    }
    states.set(refKey({ layer: node.layer, node: node.nodeIndex, index: 0 }), outcome.state);
    if (outcome.state.kind === 'time') drop = Math.max(drop, outcome.state.drop);
  }
  return { problems, drop };
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
  /** Timesteps this bucket runs: its longest sequence plus one padded step (and the steps slices drop), at most all. */
  cut: number;
}

/**
 * Samples sorted by length into buckets of at most `size`, each cut at its longest sequence
 * plus 1 + `drop` steps: after a slice drops the first `drop` steps, one padded step is left.
 */
export function lengthBuckets(lengths: ArrayLike<number>, steps: number, size: number, drop = 0): Bucket[] {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const buckets: Bucket[] = [];
  for (let i = 0; i < order.length; i += size) {
    const rows = order.slice(i, i + size);
    const longest = lengths[rows[rows.length - 1]];
    buckets.push({ rows, cut: Math.min(steps, longest + 1 + drop) });
  }
  return buckets;
}
