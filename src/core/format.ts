/** Plain-text renderings of results and shapes, shared by the CLI, the output channel, CodeLens, messages and the panel. */
import { REDUCTIONS } from './reductions';
import type { CompareResult, EvaluateResult, MetricResult } from './protocol/runtimeTasks';

/** A shape as Python prints a tuple, the way Keras users read shapes: `(None, 362, 24)`, `(8,)`. */
export function formatShape(shape: readonly (number | string | null)[]): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : v.toPrecision(3);
}

/** One line for a CodeLens: `masked 0.266 · unmasked 0.103 · 38% of unmasked loss from padding`. */
export function evaluateSummary(result: EvaluateResult): string {
  if (!result.lossValues) return `no labels: masks and outputs only${result.data.synthetic ? ' (synthetic data)' : ''}`;
  const share = result.paddingShareOfUnmaskedLoss;
  const parts = [
    `masked ${formatNumber(result.lossValues['valid-mean'])}`,
    `unmasked ${formatNumber(result.lossValues.none)}`,
    share === null
      ? null
      : `${Number.isFinite(share) ? Math.round(share * 100) : 'NaN '}% of unmasked loss from padding`,
    result.data.synthetic ? 'synthetic data' : null,
    result.weightsUsed.file ? `weights ${result.weightsUsed.file.split(/[\\/]/).pop()}` : null,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

export function compareTable(result: CompareResult): string {
  const rows = result.reductions.map((r) => [REDUCTIONS[r.id].label, r.id, formatNumber(r.value), r.kerasVersions]);
  const header = ['reduction', 'id', 'loss', 'computed by'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const lines = [
    `${result.model}: ${result.loss} on ${result.data.description} (${result.family}, backend ${result.backend})`,
    result.maskReachesLoss
      ? 'The mask reaches the loss.'
      : `The mask does NOT reach the loss${result.maskDroppedBy ? ` (dropped by ${result.maskDroppedBy})` : ''}.`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  if (result.paddingShareOfUnmaskedLoss !== null)
    lines.push(`padding's share of the unmasked loss: ${formatNumber(result.paddingShareOfUnmaskedLoss * 100)}%`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** Measured in Keras 3.15.1 and tf-keras 2.21 (the metric goldens): how compiled metrics meet the mask. */
export const METRIC_MASK_RULE =
  "Keras 3.15.1 and tf-keras 2.21 weight compiled metrics by the output's mask (metrics= ignore sample weights, weighted_metrics= use them), except Keras 3's AUC and your own Metric subclasses, which read no mask (tf-keras passes those the mask as sample_weight); a metric computed after predict() counts every position";

/**
 * One compiled metric in words: `accuracy 97.1% over every position, 81.4% over real positions
 * (−15.7 points from padding); Keras reports 81.4%`. An accuracy is a share (percent, points);
 * an error metric keeps its number.
 */
export function metricSentence(m: MetricResult): string {
  const show = (v: number) => (m.share ? `${(100 * v).toFixed(1)}%` : formatNumber(v));
  const resolved = m.resolved !== m.name.replace(/^weighted_/, '') ? ` (${m.resolved})` : '';
  if (m.masked === null)
    return `${m.name}${resolved} ${show(m.unmasked)} over every position (no mask reaches the output); Keras reports ${show(m.keras)}`;
  const effect = m.share ? `${(100 * (m.unmasked - m.masked)).toFixed(1)} points` : formatNumber(m.unmasked - m.masked);
  const sign = m.unmasked - m.masked >= 0 ? '+' : '';
  return `${m.name}${resolved} ${show(m.unmasked)} over every position, ${show(m.masked)} over real positions (padding: ${sign}${effect}); Keras reports ${show(m.keras)}`;
}
