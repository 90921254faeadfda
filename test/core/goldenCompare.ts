/**
 * Compares what MaskLens reads from a file with what real Keras built from it (a golden
 * fixture): layer classes, names and order, graph connections, every argument the source
 * sets (Keras 3: every key Keras writes), and per-layer mask presence.
 *
 * Keras 3 configs also hold the mask bookkeeping operations Keras records while it builds
 * a functional graph (`NotEqual`, `Any`, `LogicalOr`, ... from `keras.src.ops`); they are
 * not layers, MaskLens' IR leaves them out, and they are filtered out here.
 */
import type { ModelAnalysis } from '../../src/core/analysis/analyze';
import type { JsonObject, JsonValue, KerasFamily } from '../../src/core/ir';
import { layerEntry } from '../../src/core/layers/index';
import { stateOf } from '../../src/core/masking/state';

export interface FixtureLayer {
  name: string;
  className: string;
  /** Keras' own `layer.supports_masking`. */
  supportsMasking?: boolean;
  maskIn: boolean | null;
  maskOut: boolean | null;
  /** The output shape Keras built, batch first (null for an unknown dimension). */
  outputShape?: (number | null)[] | null;
}

export interface FixtureModel {
  name: string;
  aliases?: string[];
  kind: string;
  config: JsonObject | null;
  layers: FixtureLayer[];
  loss: JsonValue;
  outputMask: boolean | null;
  probeError?: string | null;
}

export interface Fixture {
  file: string;
  family: KerasFamily;
  kerasVersion: string;
  models: FixtureModel[];
  error: string | null;
}

interface NormLayer {
  className: string;
  name: string;
  config: JsonObject;
  nodes: string[][];
  raw: JsonObject;
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isOp(layer: JsonObject): boolean {
  return typeof layer.module === 'string' && layer.module.startsWith('keras.src.ops');
}

/** Every `[layer, node, tensor]` a Keras 3 node refers to, in argument order. */
function keras3Refs(v: JsonValue | undefined, out: string[]): void {
  if (Array.isArray(v)) v.forEach((x) => keras3Refs(x, out));
  else if (isObject(v)) {
    if (v.class_name === '__keras_tensor__' && isObject(v.config) && Array.isArray(v.config.keras_history))
      out.push(v.config.keras_history.join('/'));
    else Object.values(v).forEach((x) => keras3Refs(x, out));
  }
}

/**
 * tf.keras nodes: `[[name, node, tensor, kwargs], ...]`; kwargs may hold more tensors
 * (`value`). A layer that keeps its call's structure (TFOpLambda) writes one bare
 * `[name, node, tensor, kwargs]`.
 */
function tfRefs(node: JsonValue, out: string[]): void {
  if (!Array.isArray(node)) return;
  if (typeof node[0] === 'string' && typeof node[1] === 'number') {
    tfRefs([node], out);
    return;
  }
  for (const entry of node) {
    if (!Array.isArray(entry)) continue;
    if (typeof entry[0] === 'string') {
      out.push(entry.slice(0, 3).join('/'));
      const kwargs = entry[3];
      if (isObject(kwargs)) {
        for (const [k, v] of Object.entries(kwargs)) {
          if (k === 'mask' || k === 'training') continue;
          if (Array.isArray(v) && typeof v[0] === 'string') out.push(v.slice(0, 3).join('/'));
        }
      }
    } else tfRefs(entry, out);
  }
}

export function normLayers(config: JsonObject, family: KerasFamily): NormLayer[] {
  const inner = isObject(config.config) ? config.config : {};
  const list = Array.isArray(inner.layers) ? inner.layers : [];
  const out: NormLayer[] = [];
  for (const l of list) {
    if (!isObject(l) || isOp(l)) continue;
    const cfg = isObject(l.config) ? l.config : {};
    const nodes = (Array.isArray(l.inbound_nodes) ? l.inbound_nodes : []).map((n) => {
      const refs: string[] = [];
      if (family === 'keras3' || isObject(n)) keras3Refs(isObject(n) ? n.args : n, refs);
      else tfRefs(n, refs);
      return refs;
    });
    out.push({ className: String(l.class_name), name: String(cfg.name ?? l.name), config: cfg, nodes, raw: l });
  }
  return out;
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function looseEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b);
  if (typeof a === 'number' && b === 'NaN') return Number.isNaN(a);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => looseEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => looseEqual(a[k], b[k]));
  }
  return a === b;
}

/** Keys whose serialised form cannot match source text (Python bytecode, build shapes). */
const SKIP = new Set(['name', 'build_config', 'batch_input_shape']);

function defaultsOf(className: string): JsonObject | null {
  const spec = layerEntry(className)?.signature;
  return spec ? { trainable: true, ...spec.defaults() } : null;
}

/** tf.keras writes objects in its own dialect; compare what both dialects share. */
function tfEqual(ours: JsonValue | undefined, theirs: JsonValue | undefined): boolean {
  if (isObject(ours) && ours.class_name === 'DTypePolicy' && isObject(ours.config))
    return ours.config.name === theirs || looseEqual(ours, theirs);
  if (isObject(ours) && isObject(theirs) && typeof ours.class_name === 'string') {
    if (ours.class_name !== theirs.class_name) return false;
    const oc = isObject(ours.config) ? ours.config : {};
    const tc = isObject(theirs.config) ? theirs.config : {};
    return Object.keys(tc).every((k) => !(k in oc) || looseEqual(oc[k], tc[k]));
  }
  return looseEqual(ours, theirs);
}

export interface CompareOptions {
  family: KerasFamily;
  /** The model has dimensions the source leaves open: `null` may stand for Keras' number. */
  unresolved: boolean;
}

function shapeMatches(ours: JsonValue | undefined, theirs: JsonValue | undefined, o: CompareOptions): boolean {
  if (!Array.isArray(ours) || !Array.isArray(theirs) || ours.length !== theirs.length) return looseEqual(ours, theirs);
  return ours.every((d, i) => looseEqual(d, theirs[i]) || (o.unresolved && d === null));
}

export function compareConfig(
  where: string,
  ours: JsonObject,
  theirs: JsonObject,
  className: string,
  o: CompareOptions,
): string[] {
  const problems: string[] = [];
  if (className === 'InputLayer') {
    const theirShape = theirs.batch_shape ?? theirs.batch_input_shape;
    if (!shapeMatches(ours.batch_shape, theirShape, o))
      problems.push(`${where}: batch_shape ${JSON.stringify(ours.batch_shape)} != ${JSON.stringify(theirShape)}`);
    if (ours.dtype !== theirs.dtype)
      problems.push(`${where}: dtype ${JSON.stringify(ours.dtype)} != ${JSON.stringify(theirs.dtype)}`);
    return problems;
  }
  const defaults = defaultsOf(className);
  const lambdaCode = (k: string): boolean =>
    className === 'Lambda' &&
    (k === 'function' || k === 'mask' || k === 'output_shape') &&
    (isObject(theirs[k]) || Array.isArray(theirs[k]));
  if (o.family === 'keras3') {
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    for (const k of keys) {
      if (SKIP.has(k)) continue;
      if (!(k in ours)) problems.push(`${where}: missing ${k} (Keras writes ${JSON.stringify(theirs[k])})`);
      else if (!(k in theirs)) problems.push(`${where}: extra ${k}=${JSON.stringify(ours[k])}`);
      else if (lambdaCode(k)) {
        if (!isObject(ours[k])) problems.push(`${where}: ${k} should be a serialised function`);
      } else if ((k === 'layer' || k === 'backward_layer') && isObject(ours[k]) && isObject(theirs[k])) {
        const oi = ours[k] as JsonObject;
        const ti = theirs[k] as JsonObject;
        if (oi.class_name !== ti.class_name)
          problems.push(`${where}.${k}: class ${String(oi.class_name)} != ${String(ti.class_name)}`);
        else
          problems.push(
            ...compareConfig(
              `${where}.${k}`,
              (oi.config ?? {}) as JsonObject,
              (ti.config ?? {}) as JsonObject,
              String(ti.class_name),
              o,
            ),
          );
        if (isObject(oi.config) && isObject(ti.config) && oi.config.name !== ti.config.name)
          problems.push(`${where}.${k}: name ${String(oi.config.name)} != ${String(ti.config.name)}`);
      } else if (!looseEqual(ours[k], theirs[k]))
        problems.push(`${where}: ${k}=${JSON.stringify(ours[k])} but Keras wrote ${JSON.stringify(theirs[k])}`);
    }
    return problems;
  }
  // tf.keras: compare what the source set (our value differs from Keras 3's default).
  for (const [k, v] of Object.entries(ours)) {
    if (SKIP.has(k) || k === 'dtype' || k === 'trainable') continue;
    if (defaults && k in defaults && looseEqual(v, defaults[k])) continue;
    if (!(k in theirs)) continue; // a Keras 3-only key
    if (lambdaCode(k)) continue;
    if ((k === 'layer' || k === 'backward_layer') && isObject(v) && isObject(theirs[k])) {
      const ti = theirs[k] as JsonObject;
      if (v.class_name !== ti.class_name)
        problems.push(`${where}.${k}: class ${String(v.class_name)} != ${String(ti.class_name)}`);
      else
        problems.push(
          ...compareConfig(
            `${where}.${k}`,
            (v.config ?? {}) as JsonObject,
            (ti.config ?? {}) as JsonObject,
            String(ti.class_name),
            o,
          ),
        );
      continue;
    }
    if (!tfEqual(v, theirs[k]))
      problems.push(`${where}: ${k}=${JSON.stringify(v)} but tf.keras wrote ${JSON.stringify(theirs[k])}`);
  }
  return problems;
}

/** Class names, names, order, connections and arguments of a model config (recursing into nested models). */
export function compareStructure(where: string, ours: JsonObject, theirs: JsonObject, o: CompareOptions): string[] {
  const problems: string[] = [];
  const a = normLayers(ours, 'keras3');
  const b = normLayers(theirs, o.family);
  const sig = (l: NormLayer[]): string => l.map((x) => `${x.className}:${x.name}`).join(', ');
  if (sig(a) !== sig(b)) {
    problems.push(`${where}: layers [${sig(a)}] but Keras has [${sig(b)}]`);
    return problems;
  }
  a.forEach((la, i) => {
    const lb = b[i];
    const at = `${where}/${la.name}`;
    if (JSON.stringify(la.nodes) !== JSON.stringify(lb.nodes))
      problems.push(`${at}: inbound ${JSON.stringify(la.nodes)} but Keras has ${JSON.stringify(lb.nodes)}`);
    if (
      ['Sequential', 'Functional'].includes(la.className) ||
      (isObject(lb.config) && Array.isArray(lb.config.layers))
    ) {
      problems.push(...compareStructure(at, la.raw, lb.raw, o));
    } else problems.push(...compareConfig(at, la.config, lb.config, la.className, o));
  });
  return problems;
}

export function compareModel(fx: FixtureModel, ours: ModelAnalysis, family: KerasFamily): string[] {
  const problems: string[] = [];
  const at = fx.name;
  if (fx.kind !== ours.ir.kind) problems.push(`${at}: kind ${ours.ir.kind} but Keras says ${fx.kind}`);
  const o: CompareOptions = { family, unresolved: ours.ir.unresolved.length > 0 };
  const theirs = fx.config;
  const hasLayers = theirs && isObject(theirs.config) && Array.isArray(theirs.config.layers);
  if (theirs && hasLayers) {
    problems.push(...compareStructure(at, ours.ir.config as unknown as JsonObject, theirs, o));
    for (const key of ['input_layers', 'output_layers']) {
      const t = (theirs.config as JsonObject)[key];
      const u = (ours.ir.config.config as JsonObject)[key];
      if (t !== undefined && family === 'keras3' && !looseEqual(u, t))
        problems.push(`${at}: ${key} ${JSON.stringify(u)} but Keras has ${JSON.stringify(t)}`);
    }
  } else if (theirs && theirs.class_name !== ours.ir.config.class_name) {
    problems.push(`${at}: class ${ours.ir.config.class_name} but Keras has ${String(theirs.class_name)}`);
  }
  for (const l of fx.layers) {
    if (l.maskIn === null || l.maskOut === null) continue;
    const mine = ours.layers.find((x) => x.name === l.name);
    if (!mine) {
      problems.push(`${at}/${l.name}: layer missing from the mask flow`);
      continue;
    }
    // Keras' supports_masking of every layer class the registry rules on; an InputLayer takes no
    // mask, and a nested model runs its own graph with the incoming mask whatever it declares.
    const layerClass = l.className !== 'InputLayer' && mine.rule.kind !== 'nested';
    if (layerClass && typeof l.supportsMasking === 'boolean' && mine.rule.supportsMasking !== l.supportsMasking) {
      problems.push(
        `${at}/${l.name}: supports_masking ${mine.rule.supportsMasking} but Keras says ${l.supportsMasking}`,
      );
    }
    if (mine.mask.in !== stateOf(l.maskIn) || mine.mask.out !== stateOf(l.maskOut)) {
      problems.push(
        `${at}/${l.name}: mask in/out ${mine.mask.in}/${mine.mask.out} but Keras had ${l.maskIn}/${l.maskOut}`,
      );
    }
  }
  if (typeof fx.loss === 'string' && ours.loss !== fx.loss)
    problems.push(`${at}: loss ${String(ours.loss)} but Keras compiled ${fx.loss}`);
  if (fx.outputMask !== null && fx.outputMask !== undefined && ours.lossMasked !== stateOf(fx.outputMask))
    problems.push(
      `${at}: lossMasked ${ours.lossMasked} but Keras' output mask is ${fx.outputMask ? 'present' : 'absent'}`,
    );
  return problems;
}
