/**
 * The runtime tasks: evaluate, compare, train. Each takes a request already checked where it
 * entered (registry.ts), opens a session, and disposes every tensor it made before returning
 * plain data.
 * A cancelled task stops at the next layer, chunk, batch or RNN step, and a task cancelled
 * while it finishes is still reported as cancelled, never as a result.
 */
import { stopIfCancelled, type TaskContext, UserFacingError } from '../core/protocol/task';
import { capInfo, capMatrix, capTensor, type Caps, sampleIndices } from '../core/runtime/cap';
import { REDUCTION_IDS, REDUCTIONS } from '../core/reductions';
import {
  type CompareRequestParsed,
  type CompareResult,
  type EvaluateRequestParsed,
  type EvaluateResult,
  type LayerResult,
  type TrainRequestParsed,
  type TrainResult,
} from '../core/protocol/runtimeTasks';
import { type Evaluation, evaluate } from './evaluation';
import { resolveOptimizer } from './optimizers';
import { openSession, type Session, type SessionPurpose, sessionWithData, type SessionRequest } from './session';
import { train } from './train';
import { classWeightNoteOf } from './classWeights';

function capsOf(r: { samplesShown: number; timestepsShown: number; featuresShown: number }): Caps {
  return { samples: r.samplesShown, timesteps: r.timestepsShown, features: r.featuresShown };
}

/** Why the evaluation ran every timestep, padding included, where a mask marks the padding. */
function bucketNote(e: Evaluation): string[] {
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

/** Progress after each evaluation chunk, between the model being built (0.2) and the result (1). */
function chunkProgress(ctx: TaskContext, verb: string): (done: number, total: number) => void {
  return (done, total) =>
    ctx.progress({
      type: 'progress',
      fraction: 0.2 + (0.75 * done) / total,
      message: `${verb} ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} samples`,
    });
}

function finish(session: Session, ctx: TaskContext): { before: number; after: number } {
  session.dispose();
  stopIfCancelled(ctx);
  return { before: session.tensorsBefore, after: session.tf.memory().numTensors };
}

/** A session whose every layer call (and every RNN step) first checks for cancellation. */
function cancellableSession(request: SessionRequest, purpose: SessionPurpose, ctx: TaskContext): Session {
  const checkpoint = () => stopIfCancelled(ctx);
  checkpoint();
  const session = openSession(request, purpose, checkpoint);
  try {
    stopIfCancelled(ctx);
  } catch (error) {
    session.dispose();
    throw error;
  }
  return session;
}

/**
 * Evaluation chunks for the user's own loss or Metric subclass: Keras' batches, since a function
 * that reduces inside gives one number per batch and Keras averages those, and a Metric's
 * update_state sees one batch at a time (at most the memory plan's chunk).
 */
function customLossChunk(session: Session, batchSize: number): number | undefined {
  const batched = session.loss?.custom || session.customMetrics.some((m) => m.kind === 'metric-class');
  return batched ? Math.min(batchSize, session.plan.chunk) : undefined;
}

export async function evaluateTask(req: EvaluateRequestParsed, ctx: TaskContext): Promise<EvaluateResult> {
  const started = performance.now();
  const session = cancellableSession(req, { kind: 'evaluate', kept: req.samplesShown }, ctx);
  try {
    ctx.progress({ type: 'progress', fraction: 0.2, message: 'model built; running' });
    const caps = capsOf(req);
    const n = session.data.info.samples;
    const shown = sampleIndices(n, req.samplesShown);
    const batchSize = req.model.training?.batchSize ?? 32;
    const e = evaluate(session, {
      shown,
      caps,
      recordLayers: true,
      layerOutputs: req.layerOutputs,
      chunk: customLossChunk(session, batchSize),
      kerasBatchSize: batchSize,
      progress: chunkProgress(ctx, 'evaluated'),
    });
    const values = e.reductions;
    const keras = e.keras;
    const pad = e.padding;
    const at = keptPositions(e);
    const perTimestep = e.loss ? capMatrix(e.loss, at, caps) : null;
    const warnings = [
      ...new Set([...session.warnings, ...e.warnings, ...e.notes, ...session.data.info.notes, ...bucketNote(e)]),
    ];
    const result: Omit<EvaluateResult, 'tensors' | 'elapsedMs'> = {
      kind: 'evaluate',
      backend: session.backend.backend,
      backendInfo: session.backend,
      model: req.model.name,
      modelOutput: { name: session.output.name, names: session.output.names },
      family: req.family,
      kerasVersion: session.runtime.version,
      data: session.data.info,
      weightsUsed: session.weightsUsed,
      layers: layerResults(e, caps, req.layerOutputs),
      output: capTensor(e.output, at, caps),
      outputShape: e.outputShape,
      outputMask: e.outputMask ? capMatrix(e.outputMask, at, caps) : null,
      perTimestepLoss: perTimestep,
      loss:
        values && session.loss && (perTimestep || e.scalarLoss)
          ? {
              ...values,
              name: session.loss.display,
              perTimestep: perTimestep ?? [],
              keras: {
                reduction: `${e.scalarLoss ? "the mean of each batch's number (the loss returns one per batch)" : e.outputMask ? 'valid-mean' : 'none: no mask reaches the loss'}; ${session.runtime.family === 'keras3' ? 'Keras' : 'tf.keras'} ${session.runtime.version}, batch size ${batchSize}${session.output.names.length > 1 ? `; output '${session.output.name}' (${session.output.name}_loss)` : ''}`,
                value: keras ?? NaN,
              },
            }
          : null,
      lossValues: values,
      paddingShareOfUnmaskedLoss: pad.share,
      metrics: e.metrics,
      paddingMaskSource: pad.source,
      lengthBuckets: e.buckets,
      semantics: req.semantics,
      caps: capInfo(e.outputShape, shown, n, caps),
      warnings,
    };
    ctx.progress({ type: 'progress', fraction: 1, message: 'done' });
    return { ...result, tensors: finish(session, ctx), elapsedMs: performance.now() - started };
  } catch (error) {
    session.dispose();
    throw error;
  }
}

export async function compareTask(req: CompareRequestParsed, ctx: TaskContext): Promise<CompareResult> {
  const started = performance.now();
  const session = cancellableSession(req, { kind: 'compare', kept: req.samplesShown }, ctx);
  try {
    const caps = capsOf(req);
    const n = session.data.info.samples;
    const e = evaluate(session, {
      shown: sampleIndices(n, req.samplesShown),
      caps,
      recordLayers: true,
      layerOutputs: false,
      chunk: customLossChunk(session, req.model.training?.batchSize ?? 32),
      progress: chunkProgress(ctx, 'compared'),
    });
    const values = e.reductions;
    if (!values || !session.loss)
      throw new UserFacingError('compare needs targets (y) and a loss', 'data-missing', 'y');
    const lossValues = e.loss;
    const pad = e.padding;
    const dropper = [...e.layers].reverse().find((l) => l.effect === 'destroys');
    const inner = lossValues ? lossValues.shape.slice(1).reduce((a, b) => a * b, 1) : 0;
    // A loss that returns one number per batch has no per-sample values to show.
    const perSample = (lossValues ? e.kept : []).map((sample, s) => {
      let valid = 0;
      let sumValid = 0;
      let sumAll = 0;
      for (let i = 0; i < inner; i++) {
        const k = s * inner + i;
        const w = e.weight ? e.weight.data[k] : 1;
        const m = e.lossMask ? e.lossMask.data[k] : 1;
        sumAll += (lossValues?.data[k] ?? 0) * w;
        if (m) {
          valid++;
          sumValid += (lossValues?.data[k] ?? 0) * w;
        }
      }
      return {
        sample,
        validSteps: valid,
        steps: inner,
        validMean: valid ? sumValid / valid : NaN,
        unmaskedMean: sumAll / inner,
      };
    });
    const masked = values['valid-mean'];
    return {
      kind: 'compare',
      backend: session.backend.backend,
      backendInfo: session.backend,
      model: req.model.name,
      modelOutput: { name: session.output.name, names: session.output.names },
      family: req.family,
      data: session.data.info,
      weightsUsed: session.weightsUsed,
      loss: session.loss.display,
      maskReachesLoss: e.outputMask !== null,
      maskDroppedBy: e.outputMask ? null : (dropper?.name ?? null),
      reductions: REDUCTION_IDS.map((id) => ({ ...REDUCTIONS[id], value: values[id] })),
      relativeDifference: values.none === 0 ? null : (masked - values.none) / values.none,
      paddingShareOfUnmaskedLoss: pad.share,
      metrics: e.metrics,
      perSample,
      warnings: [
        ...new Set([...session.warnings, ...e.warnings, ...e.notes, ...session.data.info.notes, ...bucketNote(e)]),
      ],
      tensors: finish(session, ctx),
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    session.dispose();
    throw error;
  }
}

export async function trainTask(req: TrainRequestParsed, ctx: TaskContext): Promise<TrainResult> {
  const started = performance.now();
  const optimizer = resolveOptimizer(
    (req.optimizer ?? req.model.training?.optimizer ?? 'adam') as Parameters<typeof resolveOptimizer>[0],
  );
  const session = cancellableSession(
    req,
    { kind: 'train', batchSize: req.batchSize ?? req.model.training?.batchSize ?? 32 },
    ctx,
  );
  try {
    if (!session.data.y || !session.loss)
      throw new UserFacingError('training needs targets (y) and a loss', 'data-missing', 'y');
    if (session.output.names.length > 1) {
      // Keras minimises the sum of every output's loss; a loop over one output would train a different model.
      throw new UserFacingError(
        `'${req.model.name}' has ${session.output.names.length} outputs (${session.output.names.join(', ')}): MaskLens trains single-output models only; evaluate and compare work per output`,
        'model-output',
      );
    }
    const classWeightNote = session.classWeight
      ? classWeightNoteOf(
          session.runtime.family,
          session.data.y.shape,
          session.outputShape,
          session.data.sampleWeight !== null,
          session.classWeight,
        )
      : null;
    const n = session.data.info.samples;
    let trainRows = Array.from({ length: n }, (_, i) => i);
    let validation: { session: Session; rows: number[] } | null = null;
    let validationInfo: TrainResult['validation'] = null;
    if (req.validation && 'split' in req.validation) {
      // Keras: the last `split` fraction, taken before shuffling.
      const cut = Math.floor(n * (1 - req.validation.split));
      validation = { session, rows: trainRows.slice(cut) };
      trainRows = trainRows.slice(0, cut);
      validationInfo = { source: `validation_split=${req.validation.split}`, samples: validation.rows.length };
    } else if (req.validation && 'data' in req.validation) {
      const val = sessionWithData(session, req, req.validation.data);
      validation = { session: val, rows: Array.from({ length: val.data.info.samples }, (_, i) => i) };
      validationInfo = { source: val.data.info.description, samples: val.data.info.samples };
    }
    const epochs = req.epochs ?? req.model.training?.epochs ?? 1;
    const batchSize = req.batchSize ?? req.model.training?.batchSize ?? 32;
    const outcome = train(
      session,
      {
        optimizer,
        reduction: req.reduction,
        epochs,
        batchSize,
        shuffle: req.shuffle,
        seed: req.seed,
        trainRows,
        validation,
      },
      ctx,
    );
    const weights = req.returnWeights
      ? session.runtime.graph.nodes
          .map((node) => node.layer)
          .filter((name, i, all) => all.indexOf(name) === i)
          .map((layer) => ({
            layer,
            weights: session.runtime.weights
              .filter((w) => w.layer === layer)
              .map((w) => ({ name: w.name, shape: w.shape, values: Array.from(w.variable.dataSync()) })),
          }))
      : undefined;
    const warnings = [
      ...new Set([
        ...session.warnings,
        ...session.data.info.notes,
        ...(classWeightNote ? [classWeightNote] : []),
        ...(validation && validation.session !== session ? validation.session.warnings : []),
      ]),
    ];
    return {
      kind: 'train',
      backend: session.backend.backend,
      backendInfo: session.backend,
      model: req.model.name,
      family: req.family,
      data: session.data.info,
      weightsUsed: session.weightsUsed,
      validation: validationInfo,
      loss: session.loss.display,
      optimizer,
      reduction: req.reduction,
      epochs,
      batchSize,
      history: outcome.history,
      stopped: outcome.stopped,
      weights,
      warnings,
      tensors: finish(session, ctx),
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    session.dispose();
    throw error;
  }
}
