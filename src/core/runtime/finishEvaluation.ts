/**
 * An evaluation's numbers from its reduction state (evaluationState.ts): the four reductions,
 * what Keras reports, the padding's share, the metrics, the data's findings and the notes on
 * what Keras does with the mask. The one finishing step, whether one worker reduced every
 * sample or several reduced shards of them.
 */
import type { KerasFamily } from '../ir';
import { checkFindings } from '../data/checkFindings';
import { AucCurve } from '../metrics/auc';
import type { DataInfo, MetricResult } from '../protocol/runtimeTasks';
import { UserFacingError } from '../protocol/task';
import type { Flat } from './cap';
import type {
  EvaluationState,
  KeptRowsState,
  LayerCaptureState,
  MetricState,
  OwnMaskCounts,
  ScalarBatch,
} from './evaluationState';
import { LossSums, type Reductions } from './lossSums';

export interface LayerCapture extends Omit<LayerCaptureState, 'maskRows'> {
  /** The mask of the kept samples (Evaluation.kept), as 1/0. */
  mask: Float32Array | null;
}

type Rows = Flat & { data: Float32Array };

/**
 * One evaluation, reduced as its chunks passed: the numbers over every sample (the reductions,
 * the loss Keras reports, the padding's share, the metrics) and, for the samples shown, their
 * rows of each array. Nothing in it grows with the number of samples but `kept`.
 */
export interface Evaluation {
  samples: number;
  /** The kept samples, as indices into the evaluated rows; every `Rows` below holds only theirs, in this order. */
  kept: number[];
  /** The model output's shape over every sample. */
  outputShape: number[];
  output: Rows;
  outputMask: Rows | null;
  /** L: the loss after the feature axis, aligned with `lossMask` (null without targets or loss). */
  loss: Rows | null;
  /** The mask that multiplies L: the output mask (and a loss-made mask, e.g. ignore_class), aligned to L. */
  lossMask: Rows | null;
  weight: Rows | null;
  layers: LayerCapture[];
  /** The four reductions over every sample (null without a loss). */
  reductions: Reductions | null;
  /** What Keras' `evaluate` reports with the batch size asked for (null when not asked, or without a loss). */
  keras: number | null;
  /** Share of the unmasked loss on padded positions, and what marked them. */
  padding: { share: number | null; source: string | null };
  /**
   * A loss that returns one number per batch (the user's own, reduced inside): each batch's
   * number, its rows, and what Keras makes of it with its mask and weights. Then `loss` is null.
   * `plain`: the loss with no mask anywhere (a Keras loss inside it weights by the output's mask otherwise).
   */
  scalarLoss: ScalarBatch[] | null;
  /** The compiled metrics (empty without targets or metrics). */
  metrics: MetricResult[];
  warnings: string[];
  notes: string[];
  /** Chunks run in length buckets, of all chunks; and why the others were not (null: every chunk was, or no mask marks padding). */
  buckets: { chunks: number; of: number; reason: string | null };
}

/** What finishing needs of the session beside the state. */
export interface FinishFacts {
  family: KerasFamily;
  loss: { display: string; custom: boolean } | null;
  nanPolicy: 'report' | 'error';
}

function rowsOf(r: KeptRowsState, rows: number): Rows | null {
  return r.inner ? { shape: [rows, ...r.inner], data: r.data } : null;
}

/**
 * The evaluation's numbers. The data's findings (the checks made on the rows as they were read)
 * add their NaN and infinity counts to `info`.
 */
export function finishEvaluation(
  state: EvaluationState,
  facts: FinishFacts,
  info: Pick<DataInfo, 'nan' | 'inf'>,
): Evaluation {
  const n = state.end - state.start;
  const k = state.kept.length;
  const warnings = new Set(state.warnings);
  if (state.checks) checkFindings(state.checks, info, facts.nanPolicy).forEach((w) => warnings.add(w));
  const notes = new Set(state.notes);
  const metrics = state.metrics ? metricResults(state.metrics.metrics, state.metrics.masked, facts.family, notes) : [];
  const sums = LossSums.merged([state.sums]);
  const scalar = state.scalarLoss.length > 0 ? state.scalarLoss : null;
  const empty = { shape: [0], data: new Float32Array(0) };
  const layers = state.layers.map(({ maskRows, ...layer }) => ({ ...layer, mask: rowsOf(maskRows, k)?.data ?? null }));
  return {
    samples: n,
    kept: state.kept.map((i) => i - state.start),
    outputShape: state.outputInner ? [n, ...state.outputInner] : [n],
    output: rowsOf(state.output, k) ?? empty,
    outputMask: state.hasOutputMask ? (rowsOf(state.outputMask, k) ?? empty) : null,
    loss: rowsOf(state.loss, k),
    lossMask: rowsOf(state.lossMask, k),
    weight: rowsOf(state.weight, k),
    layers,
    reductions: scalar ? scalarReductions(scalar, n) : sums.samples > 0 ? sums.reductions() : null,
    keras: scalar
      ? scalar.reduce((a, b) => a + b.keras * b.rows, 0) / n
      : state.keras && sums.samples > 0
        ? state.keras.rows === 0
          ? 0
          : state.keras.total / state.keras.rows
        : null,
    padding: paddingOf(sums, state.padSource, layers),
    scalarLoss: scalar,
    metrics,
    warnings: [...warnings],
    notes: [...notes, ...customLossNotes(facts, state.hasOutputMask, scalar !== null, state.ownMask)],
    buckets: state.buckets,
  };
}

/** No reduction can reach inside one number per batch: each is the batches' numbers averaged by rows. */
function scalarReductions(scalar: ScalarBatch[], samples: number): Reductions {
  const value = scalar.reduce((a, b) => a + b.value * b.rows, 0) / samples;
  // `plain` is the loss with no mask anywhere: a Keras loss inside the user's weights by the output's mask otherwise.
  const plain = scalar.reduce((a, b) => a + b.plain * b.rows, 0) / samples;
  return { none: plain, 'valid-mean': value, 'total-mean': value, 'sequence-mean': value };
}

/** Padding is the mask that reaches the loss, else the last mask of L's shape (one a layer dropped). */
function paddingOf(
  sums: LossSums,
  source: 'mask' | 'padding' | null,
  layers: LayerCapture[],
): { share: number | null; source: string | null } {
  if (sums.samples === 0 || source === null) return { share: null, source: null };
  if (source === 'mask') return { share: sums.paddingShare(), source: 'the output mask, which reaches the loss' };
  const last = [...layers].reverse().find((l) => l.effect === 'destroys');
  return {
    share: sums.paddingShare(),
    source: `the padding marked by the mask ${last ? `that '${last.name}' dropped` : 'that was lost'} before the loss`,
  };
}

/**
 * Keras 3.15.1's AUC reads no mask: its update_state gets the sample weights alone, so it counts
 * every position, while its accuracies and losses as metrics are masked; tf-keras 2.21 masks
 * every compiled metric (measured: test/golden metrics_auc cases).
 */
export function kerasMasksMetric(fn: string, family: KerasFamily): boolean {
  return !((fn === 'auc' || fn === 'custom-class') && family === 'keras3');
}

function metricResult(m: MetricState, masked: boolean, family: KerasFamily): MetricResult {
  let unmasked: number;
  let kept: number;
  if (m.kind === 'curves') {
    const all = new AucCurve(m.config);
    all.addCounts(m.all);
    const inMask = new AucCurve(m.config);
    inMask.addCounts(m.kept);
    unmasked = all.result();
    kept = inMask.result();
  } else if (m.kind === 'final') {
    unmasked = m.unmasked;
    kept = m.kept;
  } else {
    unmasked = m.all / m.allWeight;
    kept = m.kept / m.keptWeight;
  }
  return {
    name: m.name,
    resolved: m.resolved,
    weighted: m.weighted,
    unmasked,
    masked: masked ? kept : null,
    keras: masked && kerasMasksMetric(m.fn, family) ? kept : unmasked,
    // What the user's own metric measures is its own: shown as the number it is.
    share: m.fn !== 'loss' && !m.custom,
  };
}

/** What the chosen Keras does with the output mask for the user's own metric. */
function customMetricNote(m: MetricState, family: KerasFamily, masked: boolean): string | null {
  if (!m.custom || !masked) return null;
  const name = `metric '${m.name}'`;
  if (m.fn === 'custom-function')
    return `Keras wraps ${name} (a function) in a mean weighted by the output mask${m.weighted ? ' and the sample weights' : ''}: the padded positions leave it, as they leave Keras' own metrics`;
  if (family === 'keras3')
    return `Keras 3 passes no mask to ${name} (a Metric subclass): its update_state gets ${m.weighted ? 'the sample weights alone' : 'sample_weight=None'}, so it counts the padded positions unless its own code leaves them out (tf-keras 2 passes the output mask as sample_weight)`;
  return `tf-keras 2 passes the output mask to ${name} (a Metric subclass) as sample_weight${m.weighted ? ', times the sample weights' : ''}: the padded positions leave it only as far as its update_state uses sample_weight (Keras 3 passes no mask)`;
}

/** Every metric's values after the last batch, and what Keras does with the mask for each (into `notes`). */
function metricResults(
  metrics: readonly MetricState[],
  masked: boolean,
  family: KerasFamily,
  notes: Set<string>,
): MetricResult[] {
  return metrics.flatMap((m) => {
    let result: MetricResult;
    try {
      result = metricResult(m, masked, family);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      notes.add(`${error.message}; it is left out`);
      return [];
    }
    const custom = customMetricNote(m, family, masked);
    if (custom) notes.add(custom);
    else if (masked && !kerasMasksMetric(m.fn, family)) {
      notes.add(
        `Keras 3 reports ${m.name} over every position, padding included: its AUC reads no mask (tf-keras 2 masks it, as every Keras masks accuracies)`,
      );
    }
    return [result];
  });
}

/** What Keras does with its mask for the user's own loss, as this run shows it. */
function customLossNotes(facts: FinishFacts, masked: boolean, scalar: boolean, own: OwnMaskCounts): string[] {
  const loss = facts.loss;
  if (!loss?.custom) return [];
  const name = `loss '${loss.display}'`;
  const keras = facts.family === 'keras3' ? 'Keras' : 'tf.keras';
  if (scalar) {
    return [
      masked
        ? `${name} returns one number per batch, so ${keras}' mask cannot reach it: ${keras} multiplies the mask into the values a loss returns per position, and one number times the mask averages back to itself. Only the masking inside the function counts`
        : `${name} returns one number per batch; no mask reaches the output, so only the masking inside the function counts`,
    ];
  }
  if (!masked)
    return [
      `${name} returns a value per position and no mask reaches the output: every position counts, except what the function masks itself`,
    ];
  const notes: string[] = [];
  if (own.masked > 0 && own.zeroWhereMasked === own.masked) {
    notes.push(
      `${name} zeroes the padded positions itself and ${keras} weights its values by the output mask again (double masking): the padding leaves the sum through the function and the count through ${keras}' mask`,
    );
  } else
    notes.push(
      `${keras} weights the values ${name} returns per position by the output mask: the padded positions leave both the sum and the count`,
    );
  if (own.zeroWhereKept > 0) {
    notes.push(
      `${name} is 0 at ${own.zeroWhereKept} of the ${own.kept} positions the output mask keeps (its own mask, or an exact fit): ${keras} still counts them, so they lower the average`,
    );
  }
  return notes;
}
