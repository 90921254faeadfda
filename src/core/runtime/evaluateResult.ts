/**
 * The evaluate task's result from its shards' states (one shard when a single worker evaluated
 * every sample): the states merged in sample order, finished, and written out for the panel,
 * the CLI and the exports. The worker's own evaluate task and the pool's split evaluation both
 * end here, so a split result is built by the same code as an unsplit one.
 */
import type { EvaluateShardResult } from '../protocol/evaluateShard';
import type { EvaluateRequestParsed, EvaluateResult, LayerResult } from '../protocol/runtimeTasks';
import { capInfo, capMatrix, capTensor, type Caps } from './cap';
import { mergeStates } from './evaluationState';
import { type Evaluation, finishEvaluation } from './finishEvaluation';

type Request = Pick<
  EvaluateRequestParsed,
  'samplesShown' | 'timestepsShown' | 'featuresShown' | 'layerOutputs' | 'model' | 'family' | 'semantics' | 'nanPolicy'
>;

function capsOf(r: Request): Caps {
  return { samples: r.samplesShown, timesteps: r.timestepsShown, features: r.featuresShown };
}

/** Why the evaluation ran every timestep, padding included, where a mask marks the padding. */
export function bucketNote(e: Evaluation): string[] {
  return e.buckets.reason
    ? [
        `evaluated every timestep, padding included${e.buckets.chunks > 0 ? ` in ${e.buckets.of - e.buckets.chunks} of ${e.buckets.of} chunks` : ''}, not in batches cut at their longest sequence: ${e.buckets.reason}`,
      ]
    : [];
}

/** Positions 0..k-1 of the kept rows an Evaluation holds (the shown samples, in order). */
const keptPositions = (e: Evaluation) => e.kept.map((_, i) => i);

function layerResults(e: Evaluation, caps: Caps, withOutputs: boolean): LayerResult[] {
  return e.layers.map((l) => {
    const maskFlat = l.mask && l.maskShape ? { shape: [e.kept.length, ...l.maskShape], data: l.mask } : null;
    const summary: LayerResult['maskSummary'] = maskFlat
      ? { valid: l.maskValid, total: l.maskTotal, validPerSample: l.validPerSample }
      : null;
    return {
      name: l.name,
      className: l.className,
      outputShape: [null, ...l.outputShape],
      mask: maskFlat ? capMatrix(maskFlat, keptPositions(e), caps) : null,
      maskShape: l.maskShape ? [e.samples, ...l.maskShape] : null,
      maskSummary: summary,
      effect: l.effect,
      maskIn: l.maskIn,
      rule: {
        kind: l.rule.output,
        supportsMasking: l.rule.supportsMasking,
        known: l.rule.known,
        evidence: l.rule.evidence,
      },
      output: withOutputs ? (l.output ?? []) : undefined,
      warning: l.warning,
    };
  });
}

/**
 * The result from the shards in sample order. Their facts are the same (each opened the same
 * session); the first's are taken, with its data information given the findings of every row.
 */
export function evaluateResultOf(
  req: Request,
  shards: readonly EvaluateShardResult[],
  elapsedMs: number,
): EvaluateResult {
  const [first] = shards;
  if (!first) throw new Error('an evaluation without shards');
  const facts = first.facts;
  const data = structuredClone(facts.data);
  const caps = capsOf(req);
  const state = mergeStates(shards.map((s) => s.state));
  const e = finishEvaluation(state, { family: facts.family, loss: facts.loss, nanPolicy: req.nanPolicy }, data);
  const values = e.reductions;
  const at = keptPositions(e);
  const perTimestep = e.loss ? capMatrix(e.loss, at, caps) : null;
  const warnings = [
    ...new Set([
      ...facts.warnings,
      ...e.warnings,
      ...e.notes,
      ...data.notes,
      ...bucketNote(e),
      ...(facts.notSplit ? [facts.notSplit] : []),
    ]),
  ];
  const loss = facts.loss;
  const lossName = facts.modelOutput.name;
  return {
    kind: 'evaluate',
    backend: facts.backendInfo.backend,
    backendInfo: facts.backendInfo,
    model: req.model.name,
    modelOutput: facts.modelOutput,
    family: req.family,
    kerasVersion: facts.kerasVersion,
    data,
    weightsUsed: facts.weightsUsed,
    layers: layerResults(e, caps, req.layerOutputs),
    output: capTensor(e.output, at, caps),
    outputShape: e.outputShape,
    outputMask: e.outputMask ? capMatrix(e.outputMask, at, caps) : null,
    perTimestepLoss: perTimestep,
    loss:
      values && loss && (perTimestep || e.scalarLoss)
        ? {
            ...values,
            name: loss.display,
            perTimestep: perTimestep ?? [],
            keras: {
              reduction: `${e.scalarLoss ? "the mean of each batch's number (the loss returns one per batch)" : e.outputMask ? 'valid-mean' : 'none: no mask reaches the loss'}; ${facts.family === 'keras3' ? 'Keras' : 'tf.keras'} ${facts.kerasVersion}, batch size ${facts.batchSize}${facts.modelOutput.names.length > 1 ? `; output '${lossName}' (${lossName}_loss)` : ''}`,
              value: e.keras ?? NaN,
            },
          }
        : null,
    lossValues: values,
    paddingShareOfUnmaskedLoss: e.padding.share,
    metrics: e.metrics,
    paddingMaskSource: e.padding.source,
    lengthBuckets: e.buckets,
    semantics: req.semantics,
    caps: capInfo(e.outputShape, facts.shown, facts.samples, caps),
    warnings,
    tensors: {
      before: shards.reduce((a, s) => a + s.tensors.before, 0),
      after: shards.reduce((a, s) => a + s.tensors.after, 0),
    },
    elapsedMs,
  };
}
