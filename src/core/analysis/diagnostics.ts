/**
 * Mask diagnostics with exact ranges and, where the fix is mechanical, quick fixes as
 * data. Every message ends by naming the Keras family and version the verdict holds for.
 */
import type { Diagnostic, KerasFamily, QuickFix, Range, Severity } from '../ir';
import { familyBehaviour, FAMILIES, INNER_UNSUPPORTED_MESSAGE } from '../masking/registry';
import type { Ctx } from '../python/context';
import type { LayerObj, ModelObj } from '../python/objects';
import { field, named, rangeOf, endOf, type Syntax } from '../python/syntax';
import type { Scope, Value } from '../python/values';
import type { LayerFlow, ModelFlow } from './flow';

export function verdictLabel(family: KerasFamily, version: string): string {
  return family === 'keras3' ? `Keras ${version}` : `tf.keras ${version}`;
}

interface DiagContext {
  family: KerasFamily;
  version: string;
  ctx: Ctx;
  scope: Scope;
}

function diag(code: string, severity: Severity, message: string, range: Range, fix?: QuickFix): Diagnostic {
  const d: Diagnostic = { code, severity, message, range };
  if (fix) d.fix = fix;
  return d;
}

function layerLabel(layer: LayerObj): string {
  return `\`${String(layer.config.name)}\` (${layer.className})`;
}

const AFTER = 'Layers after it and the loss see no mask, so padded timesteps count in the loss.';

function destroyed(f: LayerFlow, d: DiagContext): Diagnostic {
  const layer = f.layer;
  const label = verdictLabel(d.family, d.version);
  const behaviour = familyBehaviour(d.family, d.version);
  const name = String(layer.config.name);
  const known = f.rule.known ? '' : ` MaskLens does not know ${layer.className}; it assumes, as Keras does for layers that do not declare it, that it does not support masking.`;
  if (behaviour.unsupportedMask === 'raise') {
    const message = behaviour.unsupportedMessage.replace('{layer}', name).replace('{className}', layer.className);
    return diag('mask-destroyed', 'error', `${layerLabel(layer)} receives a mask but does not support masking: ${label} raises ${message}.${known} (${label})`, layer.range);
  }
  const how = behaviour.unsupportedMask === 'drop-with-warning' ? `${label} drops the mask here with a warning ("Layer '${name}' (of type ${layer.className}) was passed an input with a mask attached to it ... will therefore destroy the mask information")` : `${label} drops the mask here silently (no warning, no error)`;
  return diag('mask-destroyed', 'warning', `${layerLabel(layer)} does not support masking: ${how}. ${AFTER}${known} (${label})`, layer.range);
}

function raises(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  const inner = f.layer.inner;
  const innerName = inner ? String(inner.config.name) : 'layer';
  const message = INNER_UNSUPPORTED_MESSAGE.replace('{layer}', innerName).replace('{className}', inner?.className ?? '');
  return diag(
    'mask-destroyed',
    'error',
    `${label} raises ${message}: ${f.layer.className} asks the wrapped ${inner ? layerLabel(inner) : 'layer'} for its mask, and it does not support masking. Apply the wrapped layer without the mask, or drop the mask before this layer. (${label})`,
    f.layer.range,
  );
}

function lambdaDropped(f: LayerFlow, d: DiagContext): Diagnostic {
  const layer = f.layer;
  const label = verdictLabel(d.family, d.version);
  if (layer.lambdaTime === 'reduces-time') {
    return diag('mask-consumed', 'information', `${layerLabel(layer)} removes the time axis, so dropping the mask is expected: nothing after it is per-timestep. (${label})`, layer.range);
  }
  const how = d.family === 'keras3' ? `${label} destroys it with a warning` : `${label} drops it silently`;
  const fixData = layer.lambdaMaskFix;
  const fix: QuickFix | undefined = fixData ? { title: `Add mask=${fixData.maskSource}`, edits: [{ range: fixData.insertAt, newText: fixData.newText }] } : undefined;
  const hint = fixData ? ` Pass mask=${fixData.maskSource} so the mask is sliced like the data.` : ' Give it a mask= function that transforms the mask the way the function transforms the data.';
  return diag('lambda-drops-mask', 'warning', `This Lambda has no mask= argument, so it does not propagate the incoming mask: ${how}. ${AFTER}${hint} (${label})`, layer.range, fix);
}

function consumed(f: LayerFlow, d: DiagContext): Diagnostic {
  const layer = f.layer;
  const label = verdictLabel(d.family, d.version);
  const c = layer.config;
  const inner = (c.layer as { config?: { return_sequences?: unknown } } | undefined)?.config;
  const returnsSequences = c.return_sequences === true || inner?.return_sequences === true;
  if (f.rule.output === 'consume' && returnsSequences) {
    return diag(
      'mask-consumed',
      'warning',
      `${layerLabel(layer)} uses the mask but, from Keras 3.16 on (keras-team/keras#23235), no longer passes it on even with return_sequences=True. ${AFTER} (${label})`,
      layer.range,
    );
  }
  const why = f.rule.output === 'consume' ? 'it uses the mask (averaging over valid steps only) and returns none' : 'it uses the mask (padded steps are skipped) and, with return_sequences=False, returns one vector per sequence and no mask';
  return diag('mask-consumed', 'information', `${layerLabel(layer)} consumes the mask: ${why}. (${label})`, layer.range);
}

function mergeDropped(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  return diag(
    'mask-destroyed',
    'warning',
    `${layerLabel(f.layer)} merges masks only when every input has one: at least one input arrives without a mask, so ${label} gives the output no mask (silently). ${AFTER} Mask the other input too, or merge before the mask is created. (${label})`,
    f.layer.range,
  );
}

function nanMaskValue(layer: LayerObj, d: DiagContext): Diagnostic | null {
  const v = layer.config.mask_value;
  if (layer.className !== 'Masking' || typeof v !== 'number' || !Number.isNaN(v)) return null;
  const label = verdictLabel(d.family, d.version);
  return diag(
    'nan-mask-value',
    'error',
    `mask_value=NaN never matches: Masking compares with !=, and NaN != NaN is always true, so no timestep is masked. The NaN padding then reaches the loss, which becomes NaN — and masking could not remove it anyway (it multiplies, and 0 * nan = nan). Pad with a finite value and use Masking(mask_value=0.0). (${label})`,
    layer.argRanges.mask_value ?? layer.range,
  );
}

/** `len(x)` (not `len(x) + 1`), directly or through one assignment. */
function lenOf(node: Syntax | undefined, ctx: Ctx, depth = 0): Syntax | null {
  if (!node || depth > 3) return null;
  if (node.type === 'keyword_argument') return lenOf(field(node, 'value') ?? undefined, ctx, depth);
  if (node.type === 'call' && field(node, 'function')?.text === 'len') return node;
  if (node.type === 'identifier') return lenOf(ctx.assignments.get(node.text) ?? undefined, ctx, depth + 1);
  if (node.type === 'parenthesized_expression') return lenOf(named(node)[0], ctx, depth);
  return null;
}

function maxIndex(value: Value | undefined): number | null {
  if (!value || value.t !== 'array' || value.data === null) return null;
  let max = -Infinity;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'number') max = Math.max(max, v);
  };
  walk(value.data);
  return Number.isFinite(max) ? max : null;
}

function embeddingVocab(layer: LayerObj, model: ModelObj, d: DiagContext): Diagnostic | null {
  if (layer.className !== 'Embedding' || layer.config.mask_zero !== true) return null;
  const label = verdictLabel(d.family, d.version);
  const inputDim = layer.config.input_dim;
  const at = layer.argRanges.input_dim ?? layer.range;
  const names = [model.training.fitArgs.x, model.training.evaluateArgs?.x, model.training.predictArgs?.x].filter((n): n is string => !!n && /^[A-Za-z_]\w*$/.test(n));
  for (const name of names) {
    const max = maxIndex(d.scope.get(name));
    if (max !== null && typeof inputDim === 'number' && max >= inputDim) {
      return diag('embedding-mask-zero-vocab', 'error', `\`${name}\` holds index ${max}, but input_dim=${inputDim} only covers 0..${inputDim - 1}. With mask_zero=True index 0 is reserved for padding, so input_dim must be the largest index + 1 (here ${max + 1}). (${label})`, at);
    }
  }
  const valueNode = layer.argSyntax.input_dim;
  const lenCall = lenOf(valueNode, d.ctx);
  if (lenCall && valueNode) {
    const target = valueNode.type === 'keyword_argument' ? (field(valueNode, 'value') ?? valueNode) : valueNode;
    const fix: QuickFix = { title: 'Count the reserved index 0: add + 1', edits: [{ range: endOf(target), newText: ' + 1' }] };
    return diag(
      'embedding-mask-zero-vocab',
      'warning',
      `With mask_zero=True index 0 is reserved for padding, so real tokens are numbered from 1 and input_dim must be the vocabulary size + 1. \`${lenCall.text}\` counts only the real tokens: the largest index falls outside the embedding table. (${label})`,
      rangeOf(target),
      fix,
    );
  }
  if (typeof inputDim === 'number' && inputDim <= 1) {
    return diag('embedding-mask-zero-vocab', 'warning', `input_dim=${inputDim} with mask_zero=True leaves no index for real tokens: index 0 is reserved for padding. (${label})`, at);
  }
  return null;
}

function maskingFeatures(f: LayerFlow, d: DiagContext): Diagnostic | null {
  const layer = f.layer;
  if (layer.className !== 'Masking' || !f.inputShape || f.inputShape.length !== 2) return null;
  const label = verdictLabel(d.family, d.version);
  return diag(
    'masking-needs-features',
    'warning',
    `Masking compares whole feature vectors (the last axis) with mask_value. This input is 2-D (batch, timesteps), so the last axis is time: Masking masks whole samples, not timesteps, and an RNN after it gets no per-step mask. Add a feature axis: shape (timesteps, 1), and reshape the data to (..., timesteps, 1). (${label})`,
    layer.range,
  );
}

export function maskDiagnostics(model: ModelObj, flow: ModelFlow, family: KerasFamily, ctx: Ctx, scope: Scope, version = FAMILIES[family].referenceVersion): Diagnostic[] {
  const d: DiagContext = { family, version, ctx, scope };
  const out: Diagnostic[] = [];
  for (const f of flow.all) {
    for (const event of f.events) {
      if (event === 'destroyed') out.push(destroyed(f, d));
      else if (event === 'raises') out.push(raises(f, d));
      else if (event === 'lambda-dropped') out.push(lambdaDropped(f, d));
      else if (event === 'consumed') out.push(consumed(f, d));
      else if (event === 'merge-dropped') out.push(mergeDropped(f, d));
    }
    const nan = nanMaskValue(f.layer, d);
    if (nan) out.push(nan);
    const vocab = embeddingVocab(f.layer, model, d);
    if (vocab) out.push(vocab);
    const features = maskingFeatures(f, d);
    if (features) out.push(features);
  }
  return out;
}
