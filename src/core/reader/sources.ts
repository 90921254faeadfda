/**
 * What the reader knows about each layer beyond Keras' config, written into the IR as
 * `sources` (see LayerSource in ir.ts): ranges, shapes at the first call, a Lambda's time
 * effect and mask fix, `input_dim=len(x)`, and the largest index of inline data passed to the
 * model. The diagnostics read these, not the interpreter's objects.
 */
import type { LayerSource, StaticShape } from '../ir';
import type { Ctx } from '../objects/context';
import { mapGraph } from '../keras/functional';
import type { Dim, LayerObj, ModelObj, Shape } from '../objects/modelObjects';
import { sequentialShapes } from '../keras/sequential';
import { field, isForeign, named, rangeOf, type Syntax } from '../python/syntax';
import type { Scope, Value } from '../objects/values';

function staticShape(shape: Shape | null | undefined): StaticShape | null {
  return shape ? shape.map((d: Dim) => (d !== null && typeof d === 'object' ? d.unresolved : d)) : null;
}

/**
 * Vocabularies that already hold index 0: TextVectorization's and StringLookup's
 * `get_vocabulary()` start with the padding token '' (and [UNK]), so their length is the
 * right input_dim with mask_zero=True.
 */
const HOLDS_PADDING = /\.get_vocabulary\(\s*(include_special_tokens\s*=\s*True\s*)?\)$/;

/** `len(x)` (not `len(x) + 1`), directly or through one assignment; not of a vocabulary that holds index 0. */
function lenOf(node: Syntax | undefined, ctx: Ctx, depth = 0): Syntax | null {
  if (!node || depth > 3) return null;
  if (node.type === 'keyword_argument') return lenOf(field(node, 'value') ?? undefined, ctx, depth);
  if (node.type === 'call' && field(node, 'function')?.text === 'len') {
    const argument = field(node, 'arguments');
    const counted = argument ? named(argument)[0] : undefined;
    if (counted && HOLDS_PADDING.test(counted.text.replace(/\s+/g, ''))) return null;
    if (counted?.type === 'identifier') {
      // len(vocab) where vocab = vectorizer.get_vocabulary()
      const source = ctx.assignments.get(counted.text);
      if (source && HOLDS_PADDING.test(source.text.replace(/\s+/g, ''))) return null;
    }
    return node;
  }
  if (node.type === 'identifier') return lenOf(ctx.assignments.get(node.text) ?? undefined, ctx, depth + 1);
  if (node.type === 'parenthesized_expression') return lenOf(named(node)[0], ctx, depth);
  return null;
}

function inputDimFromLen(layer: LayerObj, ctx: Ctx): LayerSource['inputDimFromLen'] {
  if (layer.className !== 'Embedding') return undefined;
  const valueNode = layer.argSyntax.input_dim;
  const lenCall = lenOf(valueNode, ctx);
  // Written in another module: a quick fix there would edit this file.
  if (!lenCall || !valueNode || isForeign(lenCall)) return undefined;
  const target = valueNode.type === 'keyword_argument' ? (field(valueNode, 'value') ?? valueNode) : valueNode;
  return { text: lenCall.text, range: rangeOf(target) };
}

function layerSource(
  layer: LayerObj,
  shapes: { input: Shape | null; output: Shape | null } | undefined,
  ctx: Ctx,
  standIn: boolean,
): LayerSource {
  const source: LayerSource = {
    range: layer.range,
    argRanges: layer.argRanges,
    inputShape: staticShape(shapes?.input),
    outputShape: staticShape(shapes?.output),
  };
  if (standIn) source.standIn = true;
  if (layer.lambdaTime !== null) source.lambda = { time: layer.lambdaTime, maskFix: layer.lambdaMaskFix };
  const fromLen = inputDimFromLen(layer, ctx);
  if (fromLen) source.inputDimFromLen = fromLen;
  if (layer.model) source.nested = modelSources(layer.model, ctx);
  return source;
}

/** Each layer's shapes at its first call in the model, in Keras' run order. */
function firstCallShapes(model: ModelObj): Map<LayerObj, { input: Shape | null; output: Shape | null }> {
  const out = new Map<LayerObj, { input: Shape | null; output: Shape | null }>();
  if (model.kind === 'sequential') {
    const shapes = sequentialShapes(model);
    model.layers.forEach((layer, i) => {
      if (!out.has(layer)) out.set(layer, { input: shapes.input[i] ?? null, output: shapes.output[i] ?? null });
    });
    return out;
  }
  if (!model.inputs || !model.outputs) return out;
  for (const node of mapGraph(model).runOrder) {
    if (out.has(node.layer)) continue;
    const t = node.outputs[0];
    out.set(
      node.layer,
      node.isInput
        ? { input: t?.shape ?? null, output: t?.shape ?? null }
        : { input: node.inputs[0]?.shape ?? null, output: t?.shape ?? null },
    );
  }
  return out;
}

/** The model's own layers (as its config lists them), keyed by Keras name. */
export function modelSources(model: ModelObj, ctx: Ctx, depth = 0): Record<string, LayerSource> {
  const sources: Record<string, LayerSource> = {};
  if (depth > 16) return sources;
  const shapes = firstCallShapes(model);
  const layers =
    model.kind === 'sequential'
      ? model.layers
      : model.inputs && model.outputs
        ? mapGraph(model).layers.filter((l) => !l.op)
        : (model.subclass?.attrs ?? []).map(([, l]) => l);
  for (const layer of layers) {
    const name = String(layer.config.name);
    if (name in sources) continue;
    // A traced subclass is called on an input MaskLens made up; Keras lists none.
    const standIn = model.kind === 'subclassed' && layer.className === 'InputLayer' && layer.syntax === null;
    sources[name] = layerSource(layer, shapes.get(layer), ctx, standIn);
  }
  return sources;
}

function maxValue(value: Value | undefined): number | null {
  if (!value || value.t !== 'array' || value.data === null) return null;
  let max = -Infinity;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'number') max = Math.max(max, v);
  };
  walk(value.data);
  return Number.isFinite(max) ? max : null;
}

/** The largest value of each array written in the file that fit/evaluate/predict receive as `x`. */
export function inputMaxima(model: ModelObj, scope: Scope): Record<string, number> {
  const out: Record<string, number> = {};
  const t = model.training;
  for (const name of [t.fitArgs.x, t.evaluateArgs?.x, t.predictArgs?.x]) {
    if (!name || !/^[A-Za-z_]\w*$/.test(name) || name in out) continue;
    const max = maxValue(scope.get(name));
    if (max !== null) out[name] = max;
  }
  return out;
}
