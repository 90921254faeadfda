/**
 * Masked training: a custom loop that minimises the chosen reduction of the per-timestep
 * loss (tfjs-layers' fit ignores output masks). Seeded shuffling, validation by data or by
 * Keras' split (the last fraction, before shuffling), progress per batch, cancellation
 * between batches, and a NaN loss stops training with its likely cause.
 */
import { Rng, subSeed } from '../core/data/random';
import { TaskCancelledError, type TaskContext } from '../core/protocol/task';
import type { ReductionId } from '../core/reductions';
import type { EpochRecord } from '../core/protocol/runtimeTasks';
import type { Tensor, Variable } from './layers/base';
import { computeLoss } from './losses';
import { KerasOptimizer, type OptimizerSpec } from './optimizers';
import { align, reduce } from './reductions';
import { evaluate } from './evaluation';
import { type Session, toTensor } from './session';
import { classWeights } from './classWeights';

export interface TrainOptions {
  optimizer: OptimizerSpec;
  reduction: ReductionId;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  trainRows: number[];
  /** Validation: rows of the session's data, or a second session's data. */
  validation: { session: Session; rows: number[] } | null;
}

export interface TrainOutcome {
  history: EpochRecord[];
  stopped: { reason: 'completed' | 'nan-loss'; message: string; epoch: number | null; batch: number | null };
}

/** The loss of one batch under `reduction`, as a differentiable scalar. */
export function batchLoss(
  session: Session,
  rows: number[],
  reduction: ReductionId,
  training: boolean,
  seed: number,
  sparseSquares?: Map<string, Tensor>,
): Tensor {
  const { tf, runtime, data, loss } = session;
  if (!loss || !data.y) throw new Error('training needs targets and a loss');
  const xs = data.x.map((a) => toTensor(tf, a.take(rows)));
  const y = toTensor(tf, data.y.take(rows));
  const r = runtime.forward(xs, training, seed, sparseSquares);
  const lv = computeLoss(tf, loss, y, r.outputs[0], r.outputLogits[0], runtime.family, r.outputMasks[0]);
  let m = r.outputMasks[0];
  if (lv.mask) m = m ? tf.logicalAnd(tf.cast(m, 'bool'), lv.mask) : lv.mask;
  const given = data.sampleWeight ? toTensor(tf, data.sampleWeight.take(rows)) : null;
  const sw = session.classWeight
    ? classWeights(tf, runtime.family, y, session.outputShape, session.classWeight, given !== null)
    : given;
  pending.push(...r.updates);
  return reduce(tf, reduction, align(tf, lv.values, m, sw));
}

/** BatchNormalization's moving-statistics updates from the last batch, applied after the step. */
const pending: { variable: Variable; value: Tensor }[] = [];

function applyPending(): void {
  for (const u of pending.splice(0)) {
    u.variable.assign(u.value);
    u.value.dispose();
  }
}

function discardPending(): void {
  for (const u of pending.splice(0)) u.value.dispose();
}

/** One optimizer step on `rows`; returns the batch loss (before the update). */
export function trainStep(
  session: Session,
  optimizer: KerasOptimizer,
  rows: number[],
  reduction: ReductionId,
  seed: number,
): number {
  const { tf, runtime } = session;
  const variables = runtime.trainableVariables();
  // Keras 3 squares Embedding gradients per occurrence (IndexedSlices) in adam/rmsprop/adagrad.
  const sparse = runtime.family === 'keras3' && optimizer.spec.name !== 'sgd' ? new Map<string, Tensor>() : undefined;
  const { value, grads } = tf.variableGrads(
    () => batchLoss(session, rows, reduction, true, seed, sparse) as import('@tensorflow/tfjs-node').Scalar,
    variables,
  );
  try {
    const loss = value.dataSync()[0];
    if (!Number.isFinite(loss)) {
      discardPending();
      return loss;
    }
    optimizer.apply(
      variables,
      variables.map((v) => grads[v.name]),
      sparse,
    );
    applyPending();
    return loss;
  } finally {
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    sparse?.forEach((t) => t.dispose());
  }
}

function nanCause(session: Session): string {
  const nan = session.data.info.nan;
  if (nan.x > 0)
    return `the inputs hold ${nan.x} NaN value(s): padding with NaN cannot be masked away (the mask multiplies the loss, and 0 · NaN = NaN); pad with a number and mask it`;
  if (nan.y > 0)
    return `the targets hold ${nan.y} NaN value(s): masked steps still enter the loss as 0 · NaN = NaN; replace NaN targets with any number`;
  if (nan.sampleWeight > 0) return `the sample weights hold ${nan.sampleWeight} NaN value(s)`;
  const inf = session.data.info.inf;
  const infinite = inf.x + inf.y + inf.sampleWeight;
  if (infinite > 0)
    return `the data holds ${infinite} infinite value(s) (${inf.x} in the inputs, ${inf.y} in the targets, ${inf.sampleWeight} in the sample weights): masking cannot remove them (0 · ∞ = NaN); replace them with finite numbers`;
  return 'the loss diverged (try a smaller learning rate)';
}

/**
 * The loss over `rows` after an epoch, with and without the mask. `classWeighted`: the training
 * rows, weighted by fit(class_weight=) as the loss training minimises (and Keras' History
 * `loss`) is; validation is not (Keras' val_loss has no class weights).
 */
function maskedAndUnmasked(
  session: Session,
  rows: number[],
  reduction: ReductionId,
  batchSize: number,
  classWeighted: boolean,
): EpochRecord['train'] {
  // A user's loss that returns one number per batch is evaluated in the training's batches, as Keras does.
  const chunk = session.loss?.custom ? Math.min(batchSize, session.plan.chunk) : undefined;
  const e = evaluate(session, {
    rows,
    shown: [],
    caps: { samples: 1, timesteps: 1, features: 1 },
    recordLayers: false,
    chunk,
    classWeighted,
  });
  const r = e.reductions;
  if (!r) return { masked: NaN, unmasked: NaN, metrics: e.metrics };
  return { masked: r[reduction === 'none' ? 'valid-mean' : reduction], unmasked: r.none, metrics: e.metrics };
}

export function train(session: Session, o: TrainOptions, ctx: TaskContext): TrainOutcome {
  const optimizer = new KerasOptimizer(session.tf, o.optimizer);
  const rng = new Rng(subSeed(o.seed, 'shuffle'));
  const history: EpochRecord[] = [];
  const batches = Math.max(1, Math.ceil(o.trainRows.length / o.batchSize));
  let step = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      const order = o.shuffle ? rng.permutation(o.trainRows.length).map((i) => o.trainRows[i]) : [...o.trainRows];
      for (let b = 0; b < batches; b++) {
        if (ctx.cancelled()) throw new TaskCancelledError(`Training cancelled at epoch ${epoch + 1}, batch ${b + 1}`);
        const rows = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
        const loss = trainStep(session, optimizer, rows, o.reduction, subSeed(o.seed, `step-${step++}`));
        ctx.progress({ type: 'batch', epoch, batch: b, batches, loss: Number.isFinite(loss) ? loss : null });
        if (!Number.isFinite(loss)) {
          const message = `loss became ${loss} at epoch ${epoch + 1}, batch ${b + 1}: ${nanCause(session)}`;
          return { history, stopped: { reason: 'nan-loss', message, epoch, batch: b } };
        }
      }
      const trainLoss = maskedAndUnmasked(session, o.trainRows, o.reduction, o.batchSize, true);
      const val = o.validation
        ? maskedAndUnmasked(o.validation.session, o.validation.rows, o.reduction, o.batchSize, false)
        : null;
      const record: EpochRecord = { epoch, train: trainLoss, val, seconds: (performance.now() - t0) / 1000 };
      history.push(record);
      ctx.progress({
        type: 'epoch',
        epoch,
        epochs: o.epochs,
        metrics: {
          loss: trainLoss.masked,
          unmasked_loss: trainLoss.unmasked,
          val_loss: val ? val.masked : null,
          val_unmasked_loss: val ? val.unmasked : null,
          // Named as Keras' History names them.
          ...Object.fromEntries(trainLoss.metrics.map((m) => [m.name, m.keras])),
          ...Object.fromEntries((val?.metrics ?? []).map((m) => [`val_${m.name}`, m.keras])),
        },
      });
    }
    return {
      history,
      stopped: { reason: 'completed', message: `trained ${o.epochs} epoch(s)`, epoch: null, batch: null },
    };
  } finally {
    discardPending();
    optimizer.dispose();
  }
}
