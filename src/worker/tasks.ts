/**
 * The runtime tasks: evaluate, compare, train. Each takes a request already checked where it
 * entered (registry.ts), opens a session, and disposes every tensor it made before returning
 * plain data.
 * A cancelled task stops at the next layer, chunk, batch or RNN step, and a task cancelled
 * while it finishes is still reported as cancelled, never as a result.
 */
import { stopIfCancelled, type TaskContext, UserFacingError } from '../core/protocol/task';
import { type Caps, sampleIndices } from '../core/runtime/cap';
import { REDUCTION_IDS, REDUCTIONS } from '../core/reductions';
import {
  type CompareRequestParsed,
  type CompareResult,
  type EvaluateRequestParsed,
  type EvaluateResult,
  type TrainRequestParsed,
  type TrainResult,
} from '../core/protocol/runtimeTasks';
import type { EvaluateShardRequestParsed, EvaluateShardResult, EvaluationFacts } from '../core/protocol/evaluateShard';
import { bucketNote, evaluateResultOf } from '../core/runtime/evaluateResult';
import { planShards } from '../core/runtime/shardPlan';
import { evaluate, evaluationChunk, reduceEvaluation } from './evaluation';
import { resolveOptimizer } from './optimizers';
import { openSession, type Session, type SessionPurpose, sessionWithData, type SessionRequest } from './session';
import { train } from './train';
import { classWeightNoteOf } from './classWeights';

function capsOf(r: { samplesShown: number; timestepsShown: number; featuresShown: number }): Caps {
  return { samples: r.samplesShown, timesteps: r.timestepsShown, features: r.featuresShown };
}

/**
 * Progress after each evaluation chunk, between the model being built (0.2) and the result (1).
 * A shard's (rows `range` of `of`) says which of all the rows it has done, for the pool to add up.
 */
function chunkProgress(
  ctx: TaskContext,
  verb: string,
  range?: { start: number; end: number },
  of?: number,
): (done: number, total: number) => void {
  return (done, total) =>
    ctx.progress({
      type: 'progress',
      fraction: 0.2 + (0.75 * done) / total,
      message: `${verb} ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} samples`,
      ...(range && of !== undefined && (range.start > 0 || range.end < of) ? { samples: { done, of } } : {}),
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

/**
 * Why an evaluation that could use several workers runs on one, when splitting it would not be
 * exact (null: it can be split).
 */
function notSplittable(session: Session): string | null {
  const names = new Set(
    session.metrics.flatMap((m) => {
      const spec = m.spec;
      return spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.custom_metric === 'number'
        ? [spec.custom_metric]
        : [];
    }),
  );
  const subclass = session.customMetrics.find((m, i) => m.kind === 'metric-class' && names.has(i));
  return subclass
    ? `evaluated on one worker: metric '${subclass.name}' is a Metric subclass, whose states are its own code's and cannot be merged across workers`
    : null;
}

/**
 * One shard of an evaluation (all of it when `shard.of` is 1): the session, the shard's rows
 * (shard 0 decides how many shards run and says so first), their reduction state.
 */
export async function evaluateShardTask(
  req: EvaluateShardRequestParsed,
  ctx: TaskContext,
): Promise<EvaluateShardResult> {
  const session = cancellableSession(req, { kind: 'evaluate', kept: req.samplesShown }, ctx);
  try {
    ctx.progress({ type: 'progress', fraction: 0.2, message: 'model built; running' });
    const n = session.data.info.samples;
    const shown = sampleIndices(n, req.samplesShown);
    const batchSize = req.model.training?.batchSize ?? 32;
    const chunkOption = customLossChunk(session, batchSize);
    const { chunk } = evaluationChunk(session, { chunk: chunkOption, kerasBatchSize: batchSize });
    const refused = req.shard.of > 1 ? notSplittable(session) : null;
    const ranges = refused ? [{ start: 0, end: n }] : planShards(n, chunk, batchSize, req.shard.of);
    if (req.shard.index === 0) ctx.progress({ type: 'shards', samples: n, ranges });
    const range = ranges[req.shard.index] ?? { start: n, end: n };
    const state = reduceEvaluation(session, {
      shown,
      caps: capsOf(req),
      recordLayers: true,
      layerOutputs: req.layerOutputs,
      chunk: chunkOption,
      kerasBatchSize: batchSize,
      range,
      progress: chunkProgress(ctx, 'evaluated', range, n),
    });
    const facts: EvaluationFacts = {
      backendInfo: session.backend,
      modelOutput: { name: session.output.name, names: session.output.names },
      family: session.runtime.family,
      kerasVersion: session.runtime.version,
      data: session.data.info,
      weightsUsed: session.weightsUsed,
      warnings: session.warnings,
      loss: session.loss ? { display: session.loss.display, custom: session.loss.custom !== null } : null,
      batchSize,
      shown,
      samples: n,
      notSplit: refused,
    };
    return { kind: 'evaluateShard', state, facts, tensors: finish(session, ctx) };
  } catch (error) {
    session.dispose();
    throw error;
  }
}

export async function evaluateTask(req: EvaluateRequestParsed, ctx: TaskContext): Promise<EvaluateResult> {
  const started = performance.now();
  const shard = await evaluateShardTask({ ...req, kind: 'evaluateShard', shard: { index: 0, of: 1 } }, ctx);
  const result = evaluateResultOf(req, [shard], performance.now() - started);
  ctx.progress({ type: 'progress', fraction: 1, message: 'done' });
  return result;
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
