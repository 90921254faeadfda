/**
 * Mask diagnostics with exact ranges and, where the fix is mechanical, quick fixes as
 * data. Every message ends by naming the Keras family and version the verdict holds for.
 * They read the mask flow and the IR (the config and what the source says per layer) only.
 */
import { replayedConcatenateMessage } from '../masking/replayedMask';
import type { Diagnostic, KerasFamily, ModelIR, QuickFix, Range, Severity } from '../ir';
import { familyBehaviour, FAMILIES, INNER_UNSUPPORTED_MESSAGE } from '../masking/registry';
import { versionLabel } from '../layers/versionLabel';
import type { LayerFlow, ModelFlow } from './flow';

/** "Keras 3.3.3" for a release the version sweep ran; otherwise whose rules apply and how far they were checked. */
export function verdictLabel(family: KerasFamily, version: string): string {
  return versionLabel(family, version);
}

interface DiagContext {
  family: KerasFamily;
  version: string;
  /** Where a layer without a source record is reported (a config no source was read for). */
  modelRange: Range;
  /** Whether the model's output (and so its loss) is per timestep; null when the reader cannot tell. */
  outputPerTimestep: boolean | null;
}

function diag(code: string, severity: Severity, message: string, range: Range, fix?: QuickFix): Diagnostic {
  const d: Diagnostic = { code, severity, message, range };
  if (fix) d.fix = fix;
  return d;
}

function layerLabel(layer: { name: string; className: string }): string {
  return `\`${layer.name}\` (${layer.className})`;
}

function rangeOf(f: LayerFlow, d: DiagContext): Range {
  return f.source?.range ?? d.modelRange;
}

const AFTER = 'Layers after it and the loss see no mask, so padded timesteps count in the loss.';

/** Layers that remove the time axis, and what they do with the padded steps when no mask reaches them. */
const OVER_PADDING: Record<string, string> = {
  GlobalMaxPooling1D: 'It takes the maximum over the padded timesteps too',
  Flatten: 'It flattens the padded timesteps into its output too',
  // tf-keras' layer for `x[:, -1]` on a Keras tensor: the step it takes may be a padded one.
  SlicingOpLambda: 'It takes timesteps by position, padded ones included',
};

/** What losing the mask at this layer means, given what the layer and the model's output do with time. */
function afterDrop(f: LayerFlow, d: DiagContext): string {
  const input = f.source?.inputShape;
  const output = f.source?.outputShape;
  if (input && output && output.length < input.length) {
    return `${OVER_PADDING[f.layer.className] ?? 'It reduces over the padded timesteps too'}, so the padding changes its result (nothing after it is per-timestep, so no mask is needed after it).`;
  }
  return d.outputPerTimestep === false ? 'Layers after it see no mask and treat the padded timesteps as data.' : AFTER;
}

function destroyed(f: LayerFlow, d: DiagContext): Diagnostic {
  const layer = f.layer;
  const label = verdictLabel(d.family, d.version);
  const behaviour = familyBehaviour(d.family, d.version);
  const name = layer.name;
  if (behaviour.unsupportedMask === 'raise') {
    const message = behaviour.unsupportedMessage.replace('{layer}', name).replace('{className}', layer.className);
    return diag(
      'mask-destroyed',
      'error',
      `${layerLabel(layer)} receives a mask but does not support masking: ${label} raises ${message}. (${label})`,
      rangeOf(f, d),
    );
  }
  const how =
    behaviour.unsupportedMask === 'drop-with-warning'
      ? `${label} drops the mask here with a warning ("Layer '${name}' (of type ${layer.className}) was passed an input with a mask attached to it ... will therefore destroy the mask information")`
      : `${label} drops the mask here silently (no warning, no error)`;
  return diag(
    'mask-destroyed',
    'warning',
    `${layerLabel(layer)} does not support masking: ${how}. ${afterDrop(f, d)} (${label})`,
    rangeOf(f, d),
  );
}

function raises(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  const inner = f.rule.wrapped;
  const message = INNER_UNSUPPORTED_MESSAGE.replace('{layer}', inner?.name ?? 'layer').replace(
    '{className}',
    inner?.className ?? '',
  );
  return diag(
    'mask-destroyed',
    'error',
    `${label} raises ${message}: ${f.layer.className} asks the wrapped ${inner ? layerLabel(inner) : 'layer'} for its mask, and it does not support masking. Apply the wrapped layer without the mask, or drop the mask before this layer. (${label})`,
    rangeOf(f, d),
  );
}

function lambdaDropped(f: LayerFlow, d: DiagContext): Diagnostic {
  const layer = f.layer;
  const label = verdictLabel(d.family, d.version);
  if (f.source?.lambda?.time === 'reduces-time') {
    return diag(
      'mask-consumed',
      'information',
      `${layerLabel(layer)} removes the time axis, so dropping the mask is expected: nothing after it is per-timestep. (${label})`,
      rangeOf(f, d),
    );
  }
  const how = d.family === 'keras3' ? `${label} destroys it with a warning` : `${label} drops it silently`;
  const fixData = f.source?.lambda?.maskFix ?? null;
  const fix: QuickFix | undefined = fixData
    ? { title: `Add mask=${fixData.maskSource}`, edits: [{ range: fixData.insertAt, newText: fixData.newText }] }
    : undefined;
  const hint = fixData
    ? ` Pass mask=${fixData.maskSource} so the mask is sliced like the data.`
    : ' Give it a mask= function that transforms the mask the way the function transforms the data.';
  return diag(
    'lambda-drops-mask',
    'warning',
    `This Lambda has no mask= argument, so it does not propagate the incoming mask: ${how}. ${afterDrop(f, d)}${hint} (${label})`,
    rangeOf(f, d),
    fix,
  );
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
      rangeOf(f, d),
    );
  }
  const why =
    f.rule.output === 'consume'
      ? 'it uses the mask (averaging over valid steps only) and returns none'
      : f.rule.output === 'custom'
        ? 'its compute_mask gives its output no mask'
        : 'it uses the mask (padded steps are skipped) and, with return_sequences=False, returns one vector per sequence and no mask';
  return diag(
    'mask-consumed',
    'information',
    `${layerLabel(layer)} consumes the mask: ${why}. (${label})`,
    rangeOf(f, d),
  );
}

function mergeDropped(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  return diag(
    'mask-destroyed',
    'warning',
    `${layerLabel(f.layer)} merges masks only when every input has one: at least one input arrives without a mask, so ${label} gives the output no mask (silently). ${afterDrop(f, d)} Mask the other input too, or merge before the mask is created. (${label})`,
    rangeOf(f, d),
  );
}

/** Keras 3 fills in `mask=` only for a call with one tensor argument: an RNN given initial_state= runs over the padding. */
function maskNotPassed(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  return diag(
    'mask-not-passed',
    'warning',
    `${layerLabel(f.layer)} is called with more than one tensor argument (such as initial_state=), and ${label} then does not pass it the mask it receives: it runs over padded steps as if they were data (its states after padding are not the last valid step's), while its output still carries the mask. Pass the mask explicitly: mask=... in the call. (${label})`,
    rangeOf(f, d),
  );
}

function listMasksIgnored(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  return diag(
    'mask-destroyed',
    'warning',
    `${layerLabel(f.layer)} is called on a list of masked tensors, and Keras 3.0 to 3.3 take no mask from a list: ${label} gives its output no mask, silently. ${AFTER} Keras 3.4 and later pass the masks on. (${label})`,
    rangeOf(f, d),
  );
}

function warnsButKeeps(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  return diag(
    'nested-model-mask-warning',
    'information',
    `${label} warns that ${layerLabel(f.layer)} "does not support masking and will therefore destroy the mask information", but a model used as a layer runs its own layers with the mask: its output mask is what they compute. The warning can be ignored. (${label})`,
    rangeOf(f, d),
  );
}

/** Whether a Concatenate joins along the last axis (then Keras 3 reduces the joined masks with any()). */
function joinsLastAxis(f: LayerFlow): boolean {
  const axis = f.layer.config.axis ?? -1;
  if (axis === -1) return true;
  const rank = f.source?.inputShape?.length;
  return typeof axis === 'number' && rank !== undefined && axis === rank - 1;
}

function unmaskedConcatenated(f: LayerFlow, d: DiagContext): Diagnostic | null {
  if (!joinsLastAxis(f)) return null;
  const label = verdictLabel(d.family, d.version);
  return diag(
    'concatenate-mask-all-true',
    'warning',
    `${layerLabel(f.layer)} joins a masked input with an unmasked one on the feature axis: ${label} counts the unmasked input's mask as all-true and keeps a timestep if any part is valid, so the output mask is all-true and padded timesteps count in the loss. Mask the other input too (e.g. Masking, or the same Embedding mask), or concatenate before the mask is created. (${label})`,
    rangeOf(f, d),
  );
}

function broadcastReplayRaises(f: LayerFlow, d: DiagContext): Diagnostic {
  const label = verdictLabel(d.family, d.version);
  const message = replayedConcatenateMessage(f.layer.name, f.layer.className, f.replaysBroadcastOf ?? '', label);
  return diag('keras-raises-concatenate-mask', 'error', `${message} (${label})`, rangeOf(f, d));
}

function nanMaskValue(f: LayerFlow, d: DiagContext): Diagnostic | null {
  const v = f.layer.config.mask_value;
  if (f.layer.className !== 'Masking' || typeof v !== 'number' || !Number.isNaN(v)) return null;
  const label = verdictLabel(d.family, d.version);
  return diag(
    'nan-mask-value',
    'error',
    `mask_value=NaN never matches: Masking compares with !=, and NaN != NaN is always true, so no timestep is masked. The NaN padding then reaches the loss, which becomes NaN — and masking could not remove it anyway (it multiplies, and 0 * nan = nan). Pad with a finite value and use Masking(mask_value=0.0). (${label})`,
    f.source?.argRanges.mask_value ?? rangeOf(f, d),
  );
}

function embeddingVocab(f: LayerFlow, ir: ModelIR, d: DiagContext): Diagnostic | null {
  const layer = f.layer;
  if (layer.className !== 'Embedding' || layer.config.mask_zero !== true) return null;
  const label = verdictLabel(d.family, d.version);
  const inputDim = layer.config.input_dim;
  const at = f.source?.argRanges.input_dim ?? rangeOf(f, d);
  for (const [name, max] of Object.entries(ir.inputMaxima)) {
    if (typeof inputDim === 'number' && max >= inputDim) {
      return diag(
        'embedding-mask-zero-vocab',
        'error',
        `\`${name}\` holds index ${max}, but input_dim=${inputDim} only covers 0..${inputDim - 1}. With mask_zero=True index 0 is reserved for padding, so input_dim must be the largest index + 1 (here ${max + 1}). (${label})`,
        at,
      );
    }
  }
  const fromLen = f.source?.inputDimFromLen;
  if (fromLen) {
    const end = fromLen.range.end;
    const fix: QuickFix = {
      title: 'Count the reserved index 0: add + 1',
      edits: [{ range: { start: end, end }, newText: ' + 1' }],
    };
    return diag(
      'embedding-mask-zero-vocab',
      'warning',
      `With mask_zero=True index 0 is reserved for padding, so real tokens are numbered from 1 and input_dim must be the vocabulary size + 1. \`${fromLen.text}\` counts only the real tokens: the largest index falls outside the embedding table. (${label})`,
      fromLen.range,
      fix,
    );
  }
  if (typeof inputDim === 'number' && inputDim <= 1) {
    return diag(
      'embedding-mask-zero-vocab',
      'warning',
      `input_dim=${inputDim} with mask_zero=True leaves no index for real tokens: index 0 is reserved for padding. (${label})`,
      at,
    );
  }
  return null;
}

function maskingFeatures(f: LayerFlow, d: DiagContext): Diagnostic | null {
  const layer = f.layer;
  if (layer.className !== 'Masking' || f.source?.inputShape?.length !== 2) return null;
  const label = verdictLabel(d.family, d.version);
  return diag(
    'masking-needs-features',
    'warning',
    `Masking compares whole feature vectors (the last axis) with mask_value. This input is 2-D (batch, timesteps), so the last axis is time: Masking masks whole samples, not timesteps, and an RNN after it gets no per-step mask. Add a feature axis: shape (timesteps, 1), and reshape the data to (..., timesteps, 1). (${label})`,
    rangeOf(f, d),
  );
}

/** No output carries a mask for sure, but one may: say what MaskLens cannot know instead of claiming the loss is unmasked. */
function unknownLossMask(ir: ModelIR, flow: ModelFlow, d: DiagContext): Diagnostic | null {
  if (flow.outputMasks.includes('yes') || !flow.outputMasks.includes('unknown')) return null;
  const why =
    flow.outputUnknownBecause.find((w) => w !== null) ??
    'a layer on the way does something with masks MaskLens cannot read';
  const label = verdictLabel(d.family, d.version);
  const target = ir.training.loss === null ? "the model's output" : 'the loss';
  return diag(
    'mask-unknown',
    'information',
    `Whether a mask reaches ${target} is unknown: ${why}. MaskLens makes no claim about padding here. (${label})`,
    d.modelRange,
  );
}

export function maskDiagnostics(
  ir: ModelIR,
  flow: ModelFlow,
  family: KerasFamily,
  version = FAMILIES[family].referenceVersion,
  outputPerTimestep: boolean | null = null,
): Diagnostic[] {
  const d: DiagContext = { family, version, modelRange: ir.range, outputPerTimestep };
  const out: Diagnostic[] = [];
  const unknownLoss = unknownLossMask(ir, flow, d);
  if (unknownLoss) out.push(unknownLoss);
  for (const f of flow.all) {
    for (const event of f.events) {
      if (event === 'destroyed') out.push(destroyed(f, d));
      else if (event === 'raises') out.push(raises(f, d));
      else if (event === 'broadcast-replay-raises') out.push(broadcastReplayRaises(f, d));
      else if (event === 'lambda-dropped') out.push(lambdaDropped(f, d));
      else if (event === 'consumed') out.push(consumed(f, d));
      else if (event === 'merge-dropped') out.push(mergeDropped(f, d));
      else if (event === 'not-passed') out.push(maskNotPassed(f, d));
      else if (event === 'list-masks-ignored') out.push(listMasksIgnored(f, d));
      else if (event === 'warns-but-keeps') out.push(warnsButKeeps(f, d));
      else if (event === 'unmasked-concatenated') {
        const allTrue = unmaskedConcatenated(f, d);
        if (allTrue) out.push(allTrue);
      }
    }
    const nan = nanMaskValue(f, d);
    if (nan) out.push(nan);
    const vocab = embeddingVocab(f, ir, d);
    if (vocab) out.push(vocab);
    const features = maskingFeatures(f, d);
    if (features) out.push(features);
  }
  return out;
}
