/**
 * The compiled metrics of an evaluate or compare result: each over every position and over
 * the positions the output mask keeps, the padding's effect, and what Keras reports, with the
 * rule Keras applies to them.
 */
import { formatNumber, METRIC_MASK_RULE } from '../../src/core/format';
import type { MetricResult } from '../../src/core/protocol/runtimeTasks';
import { h } from '../shared/dom';

function shown(m: MetricResult, v: number | null): string {
  if (v === null) return '—';
  return m.share ? `${(100 * v).toFixed(1)}%` : formatNumber(v);
}

function effect(m: MetricResult): string {
  if (m.masked === null) return 'no mask reaches the output';
  const d = m.unmasked - m.masked;
  const sign = d >= 0 ? '+' : '';
  return m.share ? `${sign}${(100 * d).toFixed(1)} points` : `${sign}${formatNumber(d)}`;
}

/** A table of the compiled metrics, or null when the model compiles none. */
export function metricsTable(metrics: MetricResult[]): HTMLElement | null {
  if (metrics.length === 0) return null;
  const headers = ['metric', 'every position', 'real positions (masked)', 'padding\u2019s effect', 'Keras reports'];
  const table = h('vscode-data-grid', {
    id: 'metrics',
    'aria-label': 'compiled metrics',
    'grid-template-columns': headers.map(() => '1fr').join(' '),
  });
  table.append(
    h(
      'vscode-data-grid-row',
      { 'row-type': 'header' },
      ...headers.map((t, i) => h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, t)),
    ),
  );
  for (const m of metrics) {
    const name = m.resolved !== m.name.replace(/^weighted_/, '') ? `${m.name} (${m.resolved})` : m.name;
    const cells = [name, shown(m, m.unmasked), shown(m, m.masked), effect(m), shown(m, m.keras)];
    table.append(
      h(
        'vscode-data-grid-row',
        { 'data-metric': m.name },
        ...cells.map((t, i) => h('vscode-data-grid-cell', { 'grid-column': i + 1 }, t)),
      ),
    );
  }
  return h(
    'section',
    { class: 'ml-metrics' },
    h('h3', {}, 'Compiled metrics'),
    table,
    h('p', { class: 'ml-note' }, `${METRIC_MASK_RULE}.`),
  );
}
