/**
 * The runs of each model, newest last, and what a side-by-side comparison of two of them needs:
 * the file version, data, weights and Keras version each ran with, and its losses.
 */
import { shorten } from '../protocol/fitForView';
import type { CompareResult, EvaluateResult, TrainResult } from '../protocol/runtimeTasks';
import { VIEW_LIMITS, type RunSummary, type TaskOrigin } from '../protocol/viewMessages';

/** How many runs of one model are kept. */
export const RUN_HISTORY = 20;

type RunResult = EvaluateResult | CompareResult | TrainResult;

/** The data a run used, in words that tell two runs' data apart (synthetic data by its seed). */
export function dataLabel(data: RunResult['data']): string {
  const seed =
    data.synthetic && data.seed !== undefined && !data.description.includes(`seed ${data.seed}`)
      ? `, seed ${data.seed}`
      : '';
  const kind = data.synthetic ? 'synthetic' : data.source;
  const described = data.description.startsWith(kind) ? data.description : `${kind}: ${data.description}`;
  return shorten(`${described} (${data.samples} samples${seed})`, VIEW_LIMITS.title);
}

function kerasLabel(result: RunResult): string {
  return result.kind === 'evaluate' ? `${result.family} ${result.kerasVersion}` : result.family;
}

export function summariseRun(result: RunResult, origin: TaskOrigin): RunSummary {
  // Which weights ran, as the runtime says it: a saved file's, or Keras' initializers under the seed.
  const base = {
    runId: origin.runId,
    task: result.kind,
    at: origin.at ?? Date.now(),
    version: origin.version,
    data: dataLabel(result.data),
    weights: shorten(result.weightsUsed.description, VIEW_LIMITS.label),
    keras: shorten(kerasLabel(result), VIEW_LIMITS.label),
  };
  if (result.kind === 'evaluate') {
    const dropped = result.layers.filter((l) => l.effect === 'destroys').map((l) => shorten(l.name, VIEW_LIMITS.label));
    return {
      ...base,
      loss: result.loss ? shorten(result.loss.name, VIEW_LIMITS.label) : null,
      masked: result.lossValues?.['valid-mean'] ?? null,
      unmasked: result.lossValues?.none ?? null,
      paddingShare: result.paddingShareOfUnmaskedLoss,
      maskReachesLoss: result.outputShape.length >= 3 ? result.outputMask !== null : null,
      droppedBy: dropped.slice(0, VIEW_LIMITS.layers),
    };
  }
  if (result.kind === 'compare') {
    const value = (id: string) => result.reductions.find((r) => r.id === id)?.value ?? null;
    return {
      ...base,
      loss: shorten(result.loss, VIEW_LIMITS.label),
      masked: value('valid-mean'),
      unmasked: value('none'),
      paddingShare: result.paddingShareOfUnmaskedLoss,
      maskReachesLoss: result.maskReachesLoss,
      droppedBy: result.maskDroppedBy ? [shorten(result.maskDroppedBy, VIEW_LIMITS.label)] : [],
    };
  }
  const last = result.history[result.history.length - 1];
  return {
    ...base,
    loss: shorten(result.loss, VIEW_LIMITS.label),
    masked: last?.train.masked ?? null,
    unmasked: last?.train.unmasked ?? null,
    paddingShare: null,
    maskReachesLoss: null,
    droppedBy: [],
  };
}

/** Keeps the newest RUN_HISTORY runs per key (document and model). */
export class RunHistory {
  private readonly runs = new Map<string, RunSummary[]>();

  add(key: string, run: RunSummary): RunSummary[] {
    const list = [...(this.runs.get(key) ?? []), run].slice(-RUN_HISTORY);
    this.runs.set(key, list);
    return list;
  }

  get(key: string): RunSummary[] {
    return this.runs.get(key) ?? [];
  }
}

/** One row of a side-by-side comparison: the label and each run's value as text, and whether they differ. */
export interface ComparisonRow {
  label: string;
  before: string;
  after: string;
  differs: boolean;
}

export function compareRuns(
  before: RunSummary,
  after: RunSummary,
  format: (v: number | null) => string,
): ComparisonRow[] {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${format(v * 100)}%`);
  const reaches = (v: boolean | null) => (v === null ? 'not asked (no time axis)' : v ? 'yes' : 'no');
  const rows: [string, string, string][] = [
    ['Task', before.task, after.task],
    ['File version', String(before.version), String(after.version)],
    ['Data', before.data, after.data],
    ['Weights', before.weights, after.weights],
    ['Keras', before.keras, after.keras],
    ['Mask reaches the loss', reaches(before.maskReachesLoss), reaches(after.maskReachesLoss)],
    ['Mask dropped by', before.droppedBy.join(', ') || '—', after.droppedBy.join(', ') || '—'],
    ['Masked loss (valid-mean)', format(before.masked), format(after.masked)],
    ['Unmasked loss', format(before.unmasked), format(after.unmasked)],
    ['Padding share of the unmasked loss', pct(before.paddingShare), pct(after.paddingShare)],
  ];
  return rows.map(([label, b, a]) => ({ label, before: b, after: a, differs: a !== b }));
}
